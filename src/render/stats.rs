//! Redaction statistics: paragraphs released, partly withheld and withheld
//! in full, and marker groups' codes counted per ground. Computed from the
//! rendered blocks, so the figures are exactly what the pages show.

use serde::Serialize;

use super::markdown::{Block, ParaStatus};

/// Figures for one document, one meeting or the whole release.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub released: usize,
    pub partly: usize,
    pub full: usize,
    /// Code counts per ground, indexed like the grounds table (`u32`: one
    /// of these per document and meeting, each as long as the table).
    #[serde(skip)]
    pub per_ground: Vec<u32>,
    /// Marker groups (badges).
    pub groups: usize,
}

impl Stats {
    pub fn new(grounds: usize) -> Self {
        Stats {
            per_ground: vec![0; grounds],
            ..Stats::default()
        }
    }

    pub fn add_block(&mut self, block: &Block) {
        match block.status {
            Some(ParaStatus::Released) => self.released += 1,
            Some(ParaStatus::PartlyWithheld) => self.partly += 1,
            Some(ParaStatus::WithheldInFull) => self.full += 1,
            None => {}
        }
        self.groups += block.groups.len();
        for g in block.groups.iter().flatten() {
            if let Some(n) = self.per_ground.get_mut(*g) {
                *n += 1;
            }
        }
    }

    pub fn add(&mut self, other: &Stats) {
        self.released += other.released;
        self.partly += other.partly;
        self.full += other.full;
        self.groups += other.groups;
        if self.per_ground.len() < other.per_ground.len() {
            self.per_ground.resize(other.per_ground.len(), 0);
        }
        for (a, b) in self.per_ground.iter_mut().zip(&other.per_ground) {
            *a += b;
        }
    }

    pub fn paragraphs(&self) -> usize {
        self.released + self.partly + self.full
    }

    /// Codes of ground `g` counted.
    pub fn uses(&self, g: usize) -> usize {
        self.per_ground.get(g).map_or(0, |&n| n as usize)
    }

    /// Total codes (a group of two codes counts two).
    pub fn codes(&self) -> usize {
        self.per_ground.iter().map(|&n| n as usize).sum()
    }

    /// Percentage of paragraphs with anything withheld, rounded.
    pub fn withheld_percent(&self) -> usize {
        percent(self.partly + self.full, self.paragraphs())
    }
}

pub fn percent(part: usize, whole: usize) -> usize {
    (part * 100 + whole / 2).checked_div(whole).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::BlockKind;

    fn block(status: ParaStatus, groups: Vec<Vec<usize>>) -> Block {
        Block {
            kind: BlockKind::Text,
            html: String::new(),
            number: None,
            anchor: None,
            page: None,
            status: Some(status),
            groups,
        }
    }

    #[test]
    fn counts_paragraphs_by_status_and_codes_by_ground() {
        let mut s = Stats::new(3);
        s.add_block(&block(ParaStatus::Released, vec![]));
        s.add_block(&block(ParaStatus::WithheldInFull, vec![vec![0, 1]]));
        s.add_block(&block(ParaStatus::PartlyWithheld, vec![vec![1], vec![2]]));
        assert_eq!((s.released, s.partly, s.full, s.groups), (1, 1, 1, 3));
        assert_eq!(s.per_ground, vec![1, 2, 1]);
        assert_eq!(s.codes(), 4);
        assert_eq!(s.withheld_percent(), 67);
        let mut t = Stats::new(3);
        t.add(&s);
        t.add(&s);
        assert_eq!(t.per_ground, vec![2, 4, 2]);
    }
}
