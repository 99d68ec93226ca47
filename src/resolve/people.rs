//! The participants list: everyone named in a meeting's participants,
//! merged by name, and kept up to date when `annex serve` re-reads meetings.

use std::collections::{BTreeSet, HashMap};

use crate::model::{Content, Entry, MeetingMeta, Person, Site};

/// Everyone named in a participants list, merged by name.
pub(super) fn people(content: &Content, order: &[usize]) -> Vec<Person> {
    // Borrowed while gathering: a large release names people tens of
    // thousands of times.
    let mut by_name: HashMap<&str, Gathered> = HashMap::new();
    for &mi in order {
        for side in &content.meetings[mi].meta.participants {
            for p in &side.people {
                if let Some(name) = &p.name {
                    by_name.entry(name).or_default().note(mi, &side.side, p);
                }
            }
        }
    }
    let mut people: Vec<Person> = by_name
        .into_iter()
        .map(|(name, g)| g.person(name))
        .collect();
    people.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    people
}

/// The people named in the meetings at `changed`, before (`before`) or
/// after their edit, gathered again over their meetings in time order:
/// nobody else's entry can have changed.
pub(super) fn update_people(site: &mut Site, changed: &[usize], before: BTreeSet<String>) {
    let mut names = before;
    for &mi in changed {
        names.extend(named(&site.content.meetings[mi]).map(str::to_string));
    }
    let mut rank = vec![0; site.meeting_order.len()];
    for (pos, &mi) in site.meeting_order.iter().enumerate() {
        rank[mi] = pos;
    }
    for name in names {
        let at = site.people.binary_search_by(|p| p.name.as_str().cmp(&name));
        let mut meetings: Vec<usize> = match at {
            Ok(i) => site.people[i]
                .meetings
                .iter()
                .copied()
                .filter(|m| !changed.contains(m))
                .collect(),
            Err(_) => Vec::new(),
        };
        for &mi in changed {
            if named(&site.content.meetings[mi]).any(|n| n == name) {
                meetings.push(mi);
            }
        }
        meetings.sort_by_key(|&m| rank[m]);
        meetings.dedup();
        let mut g = Gathered::default();
        for &mi in &meetings {
            for side in &site.content.meetings[mi].meta.participants {
                for p in &side.people {
                    if p.name.as_deref() == Some(name.as_str()) {
                        g.note(mi, &side.side, p);
                    }
                }
            }
        }
        match (at, g.meetings.is_empty()) {
            (Ok(i), false) => site.people[i] = g.person(&name),
            (Ok(i), true) => {
                site.people.remove(i);
            }
            (Err(i), false) => site.people.insert(i, g.person(&name)),
            (Err(_), true) => {}
        }
    }
}

/// The names in a meeting's participants list.
pub(super) fn named(m: &Entry<MeetingMeta>) -> impl Iterator<Item = &str> {
    m.meta
        .participants
        .iter()
        .flat_map(|side| side.people.iter().filter_map(|p| p.name.as_deref()))
}

/// One person's roles, sides and meetings, as the meetings are read in
/// time order.
#[derive(Default)]
struct Gathered<'a> {
    roles: Vec<&'a str>,
    sides: Vec<&'a str>,
    meetings: Vec<usize>,
}

impl<'a> Gathered<'a> {
    fn note(&mut self, mi: usize, side: &'a str, p: &'a crate::model::Participant) {
        if let Some(role) = &p.role {
            if !self.roles.contains(&role.as_str()) {
                self.roles.push(role);
            }
        }
        if !self.sides.contains(&side) {
            self.sides.push(side);
        }
        // Meetings arrive in time order, so a repeat can only be the last one.
        if self.meetings.last() != Some(&mi) {
            self.meetings.push(mi);
        }
    }

    fn person(self, name: &str) -> Person {
        Person {
            name: name.to_string(),
            roles: self.roles.into_iter().map(str::to_string).collect(),
            sides: self.sides.into_iter().map(str::to_string).collect(),
            meetings: self.meetings,
        }
    }
}
