//! Share links: a compact, URL-safe, versioned encoding of a run. Being written.
