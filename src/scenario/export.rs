//! Export and import of a run as versioned JSON. Being written.
