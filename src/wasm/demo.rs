//! The demo network, as JavaScript sees it (work in progress).
