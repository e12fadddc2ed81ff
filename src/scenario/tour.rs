//! The guided tour: the Raft story as chapters of steps on the real simulator. Being written.
