//! The participants page: everyone named as attending, by side.

use crate::render::value::{tv, Value};

use super::*;

impl Page<'_, '_> {
    pub(super) fn participants(&self) -> Value {
        let r = self.r;
        let mut sides: Vec<String> = r
            .site
            .people
            .iter()
            .flat_map(|p| p.sides.iter().cloned())
            .collect();
        sides.sort();
        sides.dedup();
        let groups: Vec<Value> = sides
            .iter()
            .enumerate()
            .map(|(k, side)| {
                let people: Vec<Value> = r
                    .site
                    .people
                    .iter()
                    .filter(|p| p.sides.contains(side))
                    .map(|p| {
                        let mut ms = p.meetings.clone();
                        ms.sort_by_key(|&m| r.meeting_rank[m]);
                        tv!({
                            "name": p.name,
                            "roles": p.roles,
                            "meetings": ms.iter().map(|&m| self.meeting_summary(m)).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                tv!({"side": side, "id": format!("side-{}", k + 1), "people": people})
            })
            .collect();
        tv!({ "sides": groups })
    }
}
