//! What the front-matter shortcut (`block`) reads: a tree whose strings
//! borrow from the file, and which is itself a serde `Deserializer` that
//! behaves as serde_yaml's `Value` does, so a model type is filled straight
//! from it, without the `Value` tree's allocations and hashed maps.

use std::borrow::Cow;

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde_yaml::{Mapping, Value};

/// A value read by the shortcut. There are no numbers: a scalar that might
/// be one sends the input to serde_yaml.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// Only from an empty value (`key:`); an explicit `~` or `null` goes
    /// to serde_yaml (see `block::scalar`).
    Null,
    Bool(bool),
    Str(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    /// Keys in the order written, none repeated.
    Map(Vec<(&'a str, Node<'a>)>),
}

impl Node<'_> {
    /// The same tree as serde_yaml's `Value`, which is what the tests and
    /// the fuzz target compare with serde_yaml's own reading.
    pub fn into_value(self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Str(s) => Value::String(s.into_owned()),
            Node::Seq(items) => Value::Sequence(items.into_iter().map(Node::into_value).collect()),
            Node::Map(entries) => Value::Mapping(
                entries
                    .into_iter()
                    .map(|(k, v)| (Value::String(k.to_owned()), v.into_value()))
                    .collect::<Mapping>(),
            ),
        }
    }
}

// `Node` as a serde `Deserializer`, method for method as serde_yaml's
// `Value` deserializes (value/de.rs), less what a `Node` cannot hold
// (numbers, tags). Where `Value` would succeed on something `Node` does not
// handle, this fails instead, and `yaml::parse` asks serde_yaml again.

type Error = de::value::Error;

fn wrong<'de, V: Visitor<'de>>(node: &Node<'de>, visitor: &V) -> Error {
    let unexpected = match node {
        Node::Null => de::Unexpected::Unit,
        Node::Bool(b) => de::Unexpected::Bool(*b),
        Node::Str(s) => de::Unexpected::Str(s),
        Node::Seq(_) => de::Unexpected::Seq,
        Node::Map(_) => de::Unexpected::Map,
    };
    de::Error::invalid_type(unexpected, visitor)
}

fn visit_seq<'de, V: Visitor<'de>>(items: Vec<Node<'de>>, visitor: V) -> Result<V::Value, Error> {
    let mut items = SeqDeserializer::new(items.into_iter());
    let value = visitor.visit_seq(&mut items)?;
    items.end()?;
    Ok(value)
}

fn visit_map<'de, V: Visitor<'de>>(
    entries: Vec<(&'de str, Node<'de>)>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut entries = MapDeserializer::new(entries.into_iter());
    let value = visitor.visit_map(&mut entries)?;
    entries.end()?;
    Ok(value)
}

impl<'de> IntoDeserializer<'de, Error> for Node<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for Node<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Null => visitor.visit_unit(),
            Node::Bool(b) => visitor.visit_bool(b),
            Node::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Node::Str(Cow::Owned(s)) => visitor.visit_string(s),
            Node::Seq(items) => visit_seq(items, visitor),
            Node::Map(entries) => visit_map(entries, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Bool(b) => visitor.visit_bool(b),
            other => Err(wrong(&other, &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Node::Str(Cow::Owned(s)) => visitor.visit_string(s),
            other => Err(wrong(&other, &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Null => visitor.visit_unit(),
            other => Err(wrong(&other, &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Seq(items) => visit_seq(items, visitor),
            Node::Null => visit_seq(Vec::new(), visitor),
            other => Err(wrong(&other, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Map(entries) => visit_map(entries, visitor),
            Node::Null => visit_map(Vec::new(), visitor),
            other => Err(wrong(&other, &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// Unit variants only (`scope: released`), as `Value` reads a string.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Node::Str(Cow::Borrowed(s)) => visitor.visit_enum(s.into_deserializer()),
            Node::Str(Cow::Owned(s)) => visitor.visit_enum(s.into_deserializer()),
            other => Err(wrong(&other, &visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    // Numbers and bytes: a `Node` holds none (a number-like scalar never
    // becomes a `Node`), so these can only fail.
    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 bytes byte_buf
    }
}
