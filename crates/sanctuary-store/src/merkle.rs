//! Merkle trees exactly as RFC 9162 §2.1 defines them (leaf `H(0x00 ‖ d)`, node
//! `H(0x01 ‖ l ‖ r)`, the empty tree `H("")`), kept level by level so that changing or
//! appending one leaf costs O(log n) hashes.
//!
//! Level `i + 1` is built from level `i` by hashing pairs; a last node without a partner is
//! carried up unchanged. That is the same tree as RFC 9162's recursive definition (split at
//! the largest power of two below `n`), so roots and inclusion proofs interoperate with any
//! RFC 9162 / RFC 6962 implementation.

use sha2::{Digest as _, Sha256};

/// A 32-byte SHA-256 hash.
pub type Hash = [u8; 32];

/// `H(0x00 ‖ data)`.
#[must_use]
pub fn leaf_hash(parts: &[&[u8]]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// `H(0x01 ‖ left ‖ right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of the empty string.
#[must_use]
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// An RFC 9162 Merkle tree over leaf hashes, with O(log n) updates and appends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// `levels[0]` are the leaf hashes; the last level has one node, the root.
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree over `leaves` (leaf hashes), built in O(n).
    #[must_use]
    pub fn from_leaves(leaves: Vec<Hash>) -> Self {
        if leaves.is_empty() {
            return Tree::new();
        }
        let mut levels = vec![leaves];
        while let Some(last) = levels.last() {
            if last.len() <= 1 {
                break;
            }
            let next = last
                .chunks(2)
                .map(|pair| match pair {
                    [l, r] => node_hash(l, r),
                    [single] => *single,
                    _ => empty_root(),
                })
                .collect();
            levels.push(next);
        }
        Tree { levels }
    }

    /// Number of leaves.
    #[must_use]
    pub fn len(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    /// Whether the tree has no leaves.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The leaf hash at `index`.
    #[must_use]
    pub fn leaf(&self, index: usize) -> Option<&Hash> {
        self.levels.first().and_then(|l| l.get(index))
    }

    /// The root (RFC 9162 MTH); the empty tree's root is `SHA-256("")`.
    #[must_use]
    pub fn root(&self) -> Hash {
        match self.levels.last().and_then(|l| l.first()) {
            Some(root) if !self.is_empty() => *root,
            _ => empty_root(),
        }
    }

    /// Sets leaf `index` (an index equal to [`Tree::len`] appends). Returns the previous leaf,
    /// or `None` if it appended. An index past the end is ignored and returns `None`.
    pub fn set(&mut self, index: usize, leaf: Hash) -> Option<Hash> {
        let len = self.len();
        if index > len {
            return None;
        }
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        let previous = match self.levels.first_mut() {
            Some(leaves) if index == len => {
                leaves.push(leaf);
                None
            }
            Some(leaves) => leaves
                .get_mut(index)
                .map(|slot| std::mem::replace(slot, leaf)),
            None => None,
        };
        self.repair_path(index);
        previous
    }

    /// Removes the last leaf (undoing an append).
    pub fn pop(&mut self) {
        let Some(leaves) = self.levels.first_mut() else {
            return;
        };
        if leaves.pop().is_none() {
            return;
        }
        let len = leaves.len();
        // Shrink each level to ceil(previous / 2) and recompute the right edge.
        let mut level = 0;
        loop {
            let below = self.levels.get(level).map_or(0, Vec::len);
            if below <= 1 {
                self.levels.truncate(level + 1);
                break;
            }
            let want = below.div_ceil(2);
            if let Some(above) = self.levels.get_mut(level + 1) {
                above.truncate(want);
            }
            self.recompute(level + 1, want - 1);
            level += 1;
        }
        if len == 0 {
            self.levels.clear();
        }
    }

    /// Recomputes node `index` of `level` (≥ 1) from its children, pushing it if missing.
    fn recompute(&mut self, level: usize, index: usize) {
        let node = {
            let Some(children) = self.levels.get(level - 1) else {
                return;
            };
            match (children.get(2 * index), children.get(2 * index + 1)) {
                (Some(l), Some(r)) => node_hash(l, r),
                (Some(l), None) => *l,
                _ => return,
            }
        };
        if self.levels.len() <= level {
            self.levels.push(Vec::new());
        }
        if let Some(nodes) = self.levels.get_mut(level) {
            match nodes.get_mut(index) {
                Some(slot) => *slot = node,
                None => nodes.push(node),
            }
        }
    }

    fn repair_path(&mut self, mut index: usize) {
        let mut level = 0;
        while self.levels.get(level).is_some_and(|l| l.len() > 1) {
            index /= 2;
            self.recompute(level + 1, index);
            level += 1;
        }
        // A tree that shrank to one node per level above `level` keeps no stale levels.
        self.levels.truncate(level + 1);
    }

    /// The RFC 9162 inclusion proof (audit path) of leaf `index`, bottom up.
    #[must_use]
    pub fn proof(&self, index: usize) -> Option<Vec<Hash>> {
        if index >= self.len() {
            return None;
        }
        let mut path = Vec::new();
        let mut i = index;
        for level in self.levels.iter().take(self.levels.len().saturating_sub(1)) {
            let sibling = i ^ 1;
            if let Some(h) = level.get(sibling) {
                path.push(*h);
            }
            i /= 2;
        }
        Some(path)
    }
}

/// Verifies an RFC 9162 §2.1.3.2 inclusion proof of `leaf` at `index` in a tree of `size`
/// leaves with root `root`.
#[must_use]
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::encoding::{hex_decode, hex_encode};

    /// RFC 9162 §2.1.1, written recursively and independently of [`Tree`].
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = 1 << (usize::BITS - 1 - (n - 1).leading_zeros());
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(&[&(i as u64).to_be_bytes()]))
            .collect()
    }

    // The RFC 6962 test leaves used by Certificate Transparency implementations.
    fn ct_leaves() -> Vec<Hash> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|h| leaf_hash(&[&hex_decode(h).unwrap()]))
        .collect()
    }

    #[test]
    fn certificate_transparency_roots() {
        let l = ct_leaves();
        assert_eq!(
            hex_encode(&Tree::new().root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex_encode(&Tree::from_leaves(l[..1].to_vec()).root()),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(
            hex_encode(&Tree::from_leaves(l.clone()).root()),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        );
    }

    #[test]
    fn matches_the_recursive_definition_for_every_size() {
        for n in 0..70 {
            let l = leaves(n);
            let tree = Tree::from_leaves(l.clone());
            assert_eq!(tree.root(), mth(&l), "n = {n}");
            // Built by appends, one leaf at a time.
            let mut grown = Tree::new();
            for (i, leaf) in l.iter().enumerate() {
                assert_eq!(grown.set(i, *leaf), None);
                assert_eq!(grown.root(), mth(&l[..=i]), "append {i}");
            }
            assert_eq!(grown, tree);
            for i in 0..n {
                let proof = tree.proof(i).unwrap();
                assert!(
                    verify_inclusion(&l[i], i as u64, n as u64, &proof, &tree.root()),
                    "n {n} i {i}"
                );
                assert!(!verify_inclusion(
                    &leaf_hash(&[b"x"]),
                    i as u64,
                    n as u64,
                    &proof,
                    &tree.root()
                ));
                if n > 1 {
                    assert!(
                        !verify_inclusion(
                            &l[i],
                            ((i + 1) % n) as u64,
                            n as u64,
                            &proof,
                            &tree.root()
                        ) || l[i] == l[(i + 1) % n]
                    );
                }
            }
            assert!(tree.proof(n).is_none());
        }
    }

    #[test]
    fn updates_and_pops_keep_the_root_exact() {
        let mut l = leaves(37);
        let mut tree = Tree::from_leaves(l.clone());
        for i in [0, 36, 17, 31, 32, 5] {
            let new = leaf_hash(&[b"changed", &(i as u64).to_be_bytes()]);
            assert_eq!(tree.set(i, new), Some(l[i]));
            l[i] = new;
            assert_eq!(tree.root(), mth(&l));
        }
        while !l.is_empty() {
            l.pop();
            tree.pop();
            assert_eq!(tree.root(), mth(&l), "len {}", l.len());
            assert_eq!(tree, Tree::from_leaves(l.clone()));
        }
        assert_eq!(tree.set(5, [0; 32]), None);
        assert!(tree.is_empty());
    }
}
