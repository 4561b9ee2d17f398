//! Tests of the class state and journal.
