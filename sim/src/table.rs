//! [`Table`]: the stored records of one kind, in creation order. The state
//! keeps one table per kind of record (`store::SimState`); each area adds its
//! look-ups to its own table in its `records.rs` (`impl Table<Account>`), so
//! that "not found" is answered in one place per kind.

use serde::{Deserialize, Serialize};
use std::ops::{Deref, DerefMut};

/// Records in creation order; stored in the state file as a plain array.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Table<T>(Vec<T>);

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table(Vec::new())
    }
}

impl<T> Deref for Table<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> DerefMut for Table<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T> Table<T> {
    pub fn push(&mut self, record: T) {
        self.0.push(record);
    }

    pub fn remove(&mut self, index: usize) -> T {
        self.0.remove(index)
    }

    /// Removes every record `doomed` says yes to.
    pub fn remove_where(&mut self, mut doomed: impl FnMut(&T) -> bool) {
        self.0.retain(|record| !doomed(record));
    }
}
