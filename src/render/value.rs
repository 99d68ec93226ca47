//! Template values: page contexts are built as Tera values directly.
//!
//! A Tera 2 value shares its arrays and maps by reference count, so a value
//! made once (the site's details for every page, a meeting's summary for
//! each place a page lists it) is shared without being copied. [`tv!`]
//! builds one with the syntax of `serde_json::json!`; each leaf is
//! converted by [`ToTera`], by reference, so the struct fields it names
//! are never moved out.

pub use tera::Value;

/// Conversion of a borrowed Rust value to a template value.
pub trait ToTera {
    fn to_tera(&self) -> Value;
}

impl ToTera for Value {
    /// A reference-count increment for arrays and maps, not a deep copy.
    fn to_tera(&self) -> Value {
        self.clone()
    }
}

impl ToTera for str {
    fn to_tera(&self) -> Value {
        Value::from(self)
    }
}

impl ToTera for String {
    fn to_tera(&self) -> Value {
        Value::from(self.as_str())
    }
}

macro_rules! to_tera_copy {
    ($($t:ty),*) => {
        $(impl ToTera for $t {
            fn to_tera(&self) -> Value {
                Value::from(*self)
            }
        })*
    };
}
to_tera_copy!(bool, u32, u64, usize, i32, i64, f64);

impl<T: ToTera + ?Sized> ToTera for &T {
    fn to_tera(&self) -> Value {
        (**self).to_tera()
    }
}

impl<T: ToTera> ToTera for Option<T> {
    fn to_tera(&self) -> Value {
        match self {
            Some(v) => v.to_tera(),
            None => Value::none(),
        }
    }
}

impl<T: ToTera> ToTera for [T] {
    fn to_tera(&self) -> Value {
        Value::from(self.iter().map(ToTera::to_tera).collect::<Vec<Value>>())
    }
}

impl<T: ToTera> ToTera for Vec<T> {
    fn to_tera(&self) -> Value {
        self.as_slice().to_tera()
    }
}

impl<T: ToTera> ToTera for std::collections::BTreeSet<T> {
    fn to_tera(&self) -> Value {
        Value::from(self.iter().map(ToTera::to_tera).collect::<Vec<Value>>())
    }
}

impl ToTera for crate::render::stats::Stats {
    fn to_tera(&self) -> Value {
        Value::from_serializable(self)
    }
}

/// A map value with `extra` entries added (or replaced): a shared summary
/// with a page's own fields, such as a count, beside it.
pub fn with(base: &Value, extra: &[(&'static str, Value)]) -> Value {
    let base = base.as_map();
    // Sized once: a clone would be full, and the first insert double it.
    let mut map = tera::Map::with_capacity(base.map_or(0, |b| b.len()) + extra.len());
    if let Some(base) = base {
        map.extend(base.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for (k, v) in extra {
        map.insert((*k).into(), v.clone());
    }
    Value::from(map)
}

/// A map value with `fields` in order (a later repeat of a key replaces
/// the earlier value, in its place). Made through Tera's serializer, which
/// takes a value as it is and hashes each key once: `Value::from` a map
/// would hash every key a second time into a map of its own, and a build
/// makes millions of these maps.
pub fn map_of(fields: &[(&'static str, Value)]) -> Value {
    struct Fields<'a>(&'a [(&'static str, Value)]);
    impl serde::Serialize for Fields<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct as _;
            // Sized for its keys: one grown by doubling holds up to twice
            // the room it needs.
            let mut map = s.serialize_struct("", self.0.len())?;
            for (key, value) in self.0 {
                map.serialize_field(key, value)?;
            }
            map.end()
        }
    }
    Value::from_serializable(&Fields(fields))
}

/// Builds a template value with the syntax of `serde_json::json!`: maps
/// with string-literal keys, arrays, and any expression whose type is
/// [`ToTera`] as a leaf.
#[macro_export]
macro_rules! tv {
    (@count) => { 0usize };
    (@count $key:literal : { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        1usize + $crate::tv!(@count $($($rest)*)?)
    };
    (@count $key:literal : [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        1usize + $crate::tv!(@count $($($rest)*)?)
    };
    (@count $key:literal : $value:expr $(, $($rest:tt)*)?) => {
        1usize + $crate::tv!(@count $($($rest)*)?)
    };
    (@map $m:ident) => {};
    (@map $m:ident $key:literal : { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $m.push(($key, $crate::tv!({ $($inner)* })));
        $crate::tv!(@map $m $($($rest)*)?);
    };
    (@map $m:ident $key:literal : [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        $m.push(($key, $crate::tv!([ $($inner)* ])));
        $crate::tv!(@map $m $($($rest)*)?);
    };
    (@map $m:ident $key:literal : $value:expr $(, $($rest:tt)*)?) => {
        $m.push(($key, $crate::tv!($value)));
        $crate::tv!(@map $m $($($rest)*)?);
    };
    (@seq $v:ident) => {};
    (@seq $v:ident { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $v.push($crate::tv!({ $($inner)* }));
        $crate::tv!(@seq $v $($($rest)*)?);
    };
    (@seq $v:ident $value:expr $(, $($rest:tt)*)?) => {
        $v.push($crate::tv!($value));
        $crate::tv!(@seq $v $($($rest)*)?);
    };
    ({ $($body:tt)* }) => {{
        #[allow(unused_mut)]
        let mut m: Vec<(&'static str, tera::Value)> =
            Vec::with_capacity($crate::tv!(@count $($body)*));
        $crate::tv!(@map m $($body)*);
        $crate::render::value::map_of(&m)
    }};
    ([ $($body:tt)* ]) => {{
        #[allow(unused_mut)]
        let mut v: Vec<tera::Value> = Vec::new();
        $crate::tv!(@seq v $($body)*);
        tera::Value::from(v)
    }};
    ($e:expr) => {
        $crate::render::value::ToTera::to_tera(&$e)
    };
}
pub use tv;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_nested_values() {
        let title = String::from("A & B");
        let n: Option<u32> = None;
        let v =
            tv!({ "title": title, "n": n, "list": [1u32, { "x": "y" }], "inner": { "k": true } });
        let get = |v: &Value, k: &'static str| {
            v.as_map()
                .unwrap()
                .get(&tera::value::Key::from(k))
                .cloned()
                .unwrap()
        };
        assert_eq!(get(&v, "title").as_str(), Some("A & B"));
        assert!(get(&v, "n").is_none());
        assert_eq!(get(&v, "list").as_array().unwrap().len(), 2);
        let w = with(&v, &[("n", Value::from(3u32))]);
        assert_eq!(get(&w, "n").as_u64(), Some(3));
    }
}
