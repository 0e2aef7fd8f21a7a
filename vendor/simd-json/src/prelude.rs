// Prelude to include needed traits
pub use value_trait::prelude::*;
