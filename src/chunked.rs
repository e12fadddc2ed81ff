//! [`Chunked`]: a vector whose elements live in fixed-size chunks shared between clones, so that
//! a copy of a long log (a time-travel checkpoint of the world) costs a pointer per chunk rather
//! than a copy of every element, and the copy and the original share what neither changes.
//!
//! A chunk is copied the first time one of two holders writes to it (copy on write), so a clone
//! that is never written to, like a checkpoint, shares everything with the world it was taken
//! from except the chunk that world is still filling. Besides pushing at the end, the vector can
//! be cut at the end ([`Chunked::truncate`]: a follower's conflicting entries) and at the front
//! ([`Chunked::remove_front`]: a log compacted into a snapshot), and an element can be changed in
//! place ([`Chunked::get_mut`]: an operation completing).
//!
//! [`Slice`] is a borrowed range of one, with the read-only part of a slice's interface that the
//! simulator uses (length, indexing, iteration both ways, binary search by predicate).

use std::ops::{Index, IndexMut, Range, RangeBounds};
use std::rc::Rc;

/// Elements per chunk, as a power of two: 64 keeps the chunk a writer copies small (a few KB)
/// and the pointer list of a long log short (one pointer per 64 elements).
const SHIFT: u32 = 6;
const CHUNK: usize = 1 << SHIFT;
const MASK: usize = CHUNK - 1;

/// A vector of `T` in shared chunks (see the module's documentation).
///
/// Full chunks are sealed behind an `Rc` and shared by clones; the chunk being filled (`tail`)
/// belongs to one copy only, so a push is a plain `Vec` push, and a clone copies at most one
/// chunk's worth of elements. `Rc`, not `Arc`: a world lives on one thread.
///
/// Elements are numbered physically from the first sealed chunk (or the tail when none is
/// sealed); the first `front` of them are no longer part of the vector (removed from the front).
pub struct Chunked<T> {
    sealed: Vec<Rc<Vec<T>>>,
    tail: Vec<T>,
    front: usize,
    len: usize,
}

/// A copy shares the sealed chunks and copies the tail.
impl<T: Clone> Clone for Chunked<T> {
    #[inline(never)] // one copy per element type, not one per call: the wasm is on a budget
    fn clone(&self) -> Self {
        Chunked {
            sealed: self.sealed.clone(),
            tail: self.tail.clone(),
            front: self.front,
            len: self.len,
        }
    }
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            sealed: Vec::new(),
            tail: Vec::new(),
            front: 0,
            len: 0,
        }
    }
}

impl<T: std::fmt::Debug + Clone> std::fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Two vectors are equal when they hold equal elements in the same order, however chunked.
impl<T: PartialEq + Clone> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq + Clone> Eq for Chunked<T> {}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut out = Chunked::default();
        for item in items {
            out.push(item);
        }
        out
    }
}

impl<T: Clone> Chunked<T> {
    /// An empty vector.
    pub fn new() -> Self {
        Chunked::default()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The element at `i`, if there is one.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let (chunk, offset) = self.chunk_at(i);
        chunk.get(offset)
    }

    /// The chunk holding element `i` (which must be below `len`) and its offset there.
    #[inline]
    fn chunk_at(&self, i: usize) -> (&[T], usize) {
        let at = self.front + i;
        match self.sealed.get(at >> SHIFT) {
            Some(chunk) => (chunk, at & MASK),
            None => (&self.tail, at - (self.sealed.len() << SHIFT)),
        }
    }

    /// The element at `i` to change, if there is one; a sealed chunk is copied first if a
    /// clone shares it.
    #[inline(never)] // one copy per element type, not one per call: the wasm is on a budget
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        let at = self.front + i;
        let sealed = self.sealed.len() << SHIFT;
        match self.sealed.get_mut(at >> SHIFT) {
            Some(chunk) => unshare(chunk).get_mut(at & MASK),
            None => self.tail.get_mut(at - sealed),
        }
    }

    /// The last element, if any.
    pub fn last(&self) -> Option<&T> {
        self.get(self.len.wrapping_sub(1))
    }

    /// Appends `item` at the end.
    pub fn push(&mut self, item: T) {
        self.tail.push(item);
        self.len += 1;
        if self.tail.len() == CHUNK {
            self.seal();
        }
    }

    /// Moves the full tail behind an `Rc`, where clones share it.
    #[inline(never)]
    fn seal(&mut self) {
        let full = std::mem::replace(&mut self.tail, Vec::with_capacity(CHUNK));
        self.sealed.push(Rc::new(full));
    }

    /// Keeps the first `len` elements and drops the rest (nothing happens if there are fewer).
    #[inline(never)] // one copy per element type, not one per call: the wasm is on a budget
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let end = self.front + len;
        let sealed = self.sealed.len() << SHIFT;
        if end >= sealed {
            self.tail.truncate(end - sealed);
        } else {
            // The new end is inside a sealed chunk: what is kept of it becomes the tail.
            let chunk = end >> SHIFT;
            self.tail = self.sealed[chunk][..end & MASK].to_vec();
            self.sealed.truncate(chunk);
        }
        self.len = len;
    }

    /// Drops the first `count` elements (all of them if there are fewer). Whole chunks that
    /// empty are released; the first one left keeps its removed elements until it goes too.
    #[inline(never)] // one copy per element type, not one per call: the wasm is on a budget
    pub fn remove_front(&mut self, count: usize) {
        let count = count.min(self.len);
        self.front += count;
        self.len -= count;
        let emptied = (self.front >> SHIFT).min(self.sealed.len());
        self.sealed.drain(..emptied);
        self.front -= emptied << SHIFT;
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        *self = Chunked::default();
    }

    /// Every element, in order.
    pub fn iter(&self) -> Iter<'_, T> {
        self.all().iter()
    }

    /// The whole vector as a [`Slice`].
    pub fn all(&self) -> Slice<'_, T> {
        Slice {
            of: self,
            start: 0,
            end: self.len,
        }
    }

    /// Bytes of the chunks that at most two copies hold, and of the tail. Called on a clone
    /// just taken (a checkpoint), it is what that clone adds to the memory of the copies taken
    /// before it: its own tail, and the chunks it shares only with the original.
    pub fn fresh_bytes(&self) -> usize {
        let sealed = self
            .sealed
            .iter()
            .filter(|c| Rc::strong_count(c) <= 2)
            .count();
        (sealed * CHUNK + self.tail.capacity()) * std::mem::size_of::<T>()
    }
}

/// The chunk to write to, copied first if a clone shares it. What `Rc::make_mut` does, in less
/// code: the copy is `Vec::clone`, which the world's types have anyway.
fn unshare<T: Clone>(chunk: &mut Rc<Vec<T>>) -> &mut Vec<T> {
    if Rc::get_mut(chunk).is_none() {
        *chunk = Rc::new(Vec::clone(chunk));
    }
    match Rc::get_mut(chunk) {
        Some(only) => only,
        None => unreachable!(),
    }
}

/// A range of a [`Chunked`], borrowed: what `&v[a..b]` is for a `Vec`.
pub struct Slice<'a, T> {
    of: &'a Chunked<T>,
    start: usize,
    end: usize,
}

impl<T> Clone for Slice<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Slice<'_, T> {}

impl<T: std::fmt::Debug + Clone> std::fmt::Debug for Slice<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T: Clone> Slice<'a, T> {
    /// The number of elements.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The element at `i` of the range, if there is one.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a T> {
        if i >= self.len() {
            return None;
        }
        self.of.get(self.start + i)
    }

    /// The first element, if any.
    pub fn first(&self) -> Option<&'a T> {
        self.get(0)
    }

    /// The last element, if any.
    pub fn last(&self) -> Option<&'a T> {
        self.get(self.len().wrapping_sub(1))
    }

    /// The elements in order (and backwards with `.rev()`).
    pub fn iter(&self) -> Iter<'a, T> {
        Iter {
            of: self.of,
            next: self.start,
            end: self.end,
        }
    }

    /// A part of this range, as `&s[range]` (clamped to it rather than panicking).
    pub fn range(&self, range: impl RangeBounds<usize>) -> Slice<'a, T> {
        let Range { start, end } = clamp(range, self.len());
        Slice {
            of: self.of,
            start: self.start + start,
            end: self.start + end,
        }
    }

    /// The number of leading elements for which `pred` holds, given that it holds for a
    /// prefix and not after, as [`slice::partition_point`].
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.get(mid) {
                Some(item) if pred(item) => low = mid + 1,
                _ => high = mid,
            }
        }
        low
    }

    /// The elements, copied into a `Vec`.
    #[inline(never)]
    pub fn to_vec(&self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len());
        let mut at = self.start;
        while at < self.end {
            // The rest of the chunk `at` is in, as a slice.
            let (chunk, from) = self.of.chunk_at(at);
            let take = (chunk.len() - from).min(self.end - at);
            out.extend_from_slice(&chunk[from..from + take]);
            at += take;
        }
        out
    }
}

/// `range` of a sequence of `len`, with both ends clamped to it.
fn clamp(range: impl RangeBounds<usize>, len: usize) -> Range<usize> {
    use std::ops::Bound::*;
    let start = match range.start_bound() {
        Included(&s) => s,
        Excluded(&s) => s.saturating_add(1),
        Unbounded => 0,
    };
    let end = match range.end_bound() {
        Included(&e) => e.saturating_add(1),
        Excluded(&e) => e,
        Unbounded => len,
    };
    let end = end.min(len);
    start.min(end)..end
}

impl<T: Clone> Index<usize> for Slice<'_, T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(item) => item,
            None => panic!(),
        }
    }
}

impl<T: PartialEq + Clone> PartialEq for Slice<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Clone> Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(item) => item,
            None => panic!(),
        }
    }
}

/// Writing through `v[i]` copies the element's chunk first if a clone shares it.
impl<T: Clone> IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        match self.get_mut(i) {
            Some(item) => item,
            None => panic!(),
        }
    }
}

/// Hashed as a slice of the same elements is.
impl<T: std::hash::Hash + Clone> std::hash::Hash for Slice<'_, T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for item in self.iter() {
            item.hash(state);
        }
    }
}

impl<'a, T: Clone> IntoIterator for Slice<'a, T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<'a, T: Clone> IntoIterator for &Slice<'a, T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// The iterator of a [`Slice`]: element by element, from either end.
pub struct Iter<'a, T> {
    of: &'a Chunked<T>,
    next: usize,
    end: usize,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter { ..*self }
    }
}

impl<'a, T: Clone> Iterator for Iter<'a, T> {
    type Item = &'a T;

    #[inline(never)] // one copy per element type, not one per loop: the wasm is on a budget
    fn next(&mut self) -> Option<&'a T> {
        if self.next >= self.end {
            return None;
        }
        self.next += 1;
        self.of.get(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end - self.next;
        (left, Some(left))
    }
}

impl<T: Clone> DoubleEndedIterator for Iter<'_, T> {
    #[inline(never)] // one copy per element type, not one per loop: the wasm is on a budget
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        self.of.get(self.end)
    }
}

impl<T: Clone> ExactSizeIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same operations on a `Vec` and a `Chunked`, with clones taken along the way that
    /// must keep what they saw.
    #[test]
    fn behaves_like_a_vec_and_clones_keep_their_state() {
        let mut v: Vec<u32> = Vec::new();
        let mut c: Chunked<u32> = Chunked::new();
        let mut kept: Vec<(Vec<u32>, Chunked<u32>)> = Vec::new();
        let mut x = 1u32;
        for round in 0..400u32 {
            // A small deterministic mix: mostly pushes, some cuts at either end, some writes.
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            match x % 10 {
                0 => {
                    let keep = (x as usize / 10) % (v.len() + 1);
                    v.truncate(keep);
                    c.truncate(keep);
                }
                1 => {
                    let drop = (x as usize / 10) % (v.len() / 2 + 1);
                    v.drain(..drop);
                    c.remove_front(drop);
                }
                2 if !v.is_empty() => {
                    let i = (x as usize / 10) % v.len();
                    v[i] = round;
                    *c.get_mut(i).unwrap() = round;
                }
                _ => {
                    for k in 0..(x % 150) {
                        v.push(round * 1000 + k);
                        c.push(round * 1000 + k);
                    }
                }
            }
            assert_eq!(c.len(), v.len());
            assert_eq!(c.iter().copied().collect::<Vec<_>>(), v);
            assert_eq!(c.iter().rev().count(), v.len());
            assert_eq!(c.last(), v.last());
            assert_eq!(c.get(0), v.first());
            if round % 7 == 0 {
                kept.push((v.clone(), c.clone()));
            }
        }
        for (v, c) in &kept {
            assert_eq!(
                &c.all().to_vec(),
                v,
                "a clone changed after the original did"
            );
        }
    }

    #[test]
    fn slices_index_search_and_clamp_like_slices() {
        let c: Chunked<u64> = (0..300).map(|i| i * 2).collect();
        let s = c.all().range(10..250);
        assert_eq!(s.len(), 240);
        assert_eq!(s[0], 20);
        assert_eq!(s.last(), Some(&498));
        assert_eq!(s.partition_point(|&x| x < 101), 41);
        assert_eq!(
            s.range(230..).to_vec(),
            vec![480, 482, 484, 486, 488, 490, 492, 494, 496, 498]
        );
        assert!(s.range(500..).is_empty());
        assert_eq!(s.iter().rev().nth(1), Some(&496));
    }

    #[test]
    fn a_clone_shares_full_chunks_and_copies_only_what_it_writes() {
        let mut c: Chunked<u64> = (0..(CHUNK as u64 * 10)).collect();
        let checkpoint = c.clone();
        // Held by both: all ten chunks count as fresh for the first clone.
        assert_eq!(checkpoint.fresh_bytes(), 10 * CHUNK * 8);
        let second = c.clone();
        assert_eq!(
            second.fresh_bytes(),
            0,
            "every chunk is also in the first checkpoint"
        );
        c.push(1);
        *c.get_mut(0).unwrap() = 7;
        assert_eq!(checkpoint.get(0), Some(&0));
        assert_eq!(c.get(0), Some(&7));
        drop(second);
        assert_eq!(checkpoint.len() + 1, c.len());
    }
}
