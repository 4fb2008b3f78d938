//! Profiles. (in progress)
