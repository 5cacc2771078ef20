//! Property tests of the projection (STYLE.md §10).
