//! The customer side: the terminal customer and the simulated demo customers. Both go
//! through [`customer::CustomerSession`], the same public path.

pub mod customer;
pub mod simulated;
