//! The types of the generated shape descriptors (`generated::schema`).

/// One shape of the model, as validation needs it.
#[derive(Debug)]
pub struct Shape {
    /// The model's shape name.
    pub name: &'static str,
    /// Values of this shape never appear in messages or logs.
    pub sensitive: bool,
    /// Type and constraints.
    pub kind: Kind,
}

/// A shape's type with its constraints.
#[derive(Debug)]
pub enum Kind {
    /// A JSON object with named members.
    Structure {
        /// Members in the model's order.
        members: &'static [Member],
    },
    /// A JSON array.
    List {
        /// Shape of the elements.
        member: u16,
        /// Minimum number of elements.
        min: Option<u64>,
        /// Maximum number of elements.
        max: Option<u64>,
    },
    /// A JSON object with arbitrary keys.
    Map {
        /// Shape of the keys.
        key: u16,
        /// Shape of the values.
        value: u16,
        /// Minimum number of entries.
        min: Option<u64>,
        /// Maximum number of entries.
        max: Option<u64>,
    },
    /// A JSON string.
    String {
        /// Minimum length (UTF-16 code units, as the service counts).
        min: Option<u64>,
        /// Maximum length.
        max: Option<u64>,
        /// Index into `generated::schema::PATTERNS`.
        pattern: Option<u16>,
        /// Allowed values when the shape is an enum.
        values: &'static [&'static str],
    },
    /// A base64 string.
    Blob {
        /// Minimum length.
        min: Option<u64>,
        /// Maximum length.
        max: Option<u64>,
    },
    /// A JSON integer.
    Integer {
        /// Smallest allowed value.
        min: Option<i64>,
        /// Largest allowed value.
        max: Option<i64>,
        /// 64-bit (`long`) rather than 32-bit.
        long: bool,
    },
    /// A JSON boolean.
    Boolean,
    /// Epoch seconds as a JSON number.
    Timestamp,
    /// Any JSON value.
    Document,
}

/// A member of a structure.
#[derive(Debug)]
pub struct Member {
    /// The member name on the wire (PascalCase).
    pub name: &'static str,
    /// Index of the member's shape.
    pub shape: u16,
    /// The model marks the member required.
    pub required: bool,
}

/// A model pattern.
#[derive(Debug)]
pub struct Pattern {
    /// The model's (Java) text, quoted in validation messages.
    pub model: &'static str,
    /// The equivalent anchored Rust regex.
    pub rust: &'static str,
}
