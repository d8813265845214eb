//! The types Parquet's Thrift schema (`parquet.thrift`) gives the fields
//! of the footer and of page headers, for the walk in `footer.rs`.
//!
//! The `parquet` crate reads a field it knows by this schema, whatever
//! type the file declares for it. A walk that skipped fields by their
//! declared types would then read other bytes than the crate, and could
//! pass a footer on which the crate's own skipping runs for seconds. So
//! the walk refuses a known field declared with a type that is encoded
//! differently from the schema's (the integer types, all varints, are one
//! kind; so are lists and sets, and true and false), and follows the
//! schema into the structures it names. Fields the schema does not name
//! are walked by their declared types, as the crate skips them.

/// What the schema expects of a value.
pub(super) enum Expect {
    /// A value of one kind, with nothing inside to follow.
    Plain(Kind),
    /// A structure, whose fields are listed.
    Struct(&'static Table),
    /// A list (or set) of values.
    List(&'static Expect),
}

/// How a value is encoded in the compact protocol: types that share an
/// encoding are one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Boolean,
    Byte,
    /// i16, i32 and i64: zigzag varints alike.
    Integer,
    Double,
    Binary,
    List,
    Map,
    Struct,
    Uuid,
}

impl Kind {
    /// The kind of a compact-protocol type code, `None` if unknown.
    pub(super) fn of(code: u8) -> Option<Kind> {
        Some(match code {
            1 | 2 => Kind::Boolean,
            3 => Kind::Byte,
            4..=6 => Kind::Integer,
            7 => Kind::Double,
            8 => Kind::Binary,
            9 | 10 => Kind::List,
            11 => Kind::Map,
            12 => Kind::Struct,
            13 => Kind::Uuid,
            _ => return None,
        })
    }
}

impl Kind {
    /// The kind in words, for messages.
    pub(super) fn name(self) -> &'static str {
        match self {
            Kind::Boolean => "a boolean",
            Kind::Byte => "a byte",
            Kind::Integer => "an integer",
            Kind::Double => "a double",
            Kind::Binary => "a byte string",
            Kind::List => "a list",
            Kind::Map => "a map",
            Kind::Struct => "a structure",
            Kind::Uuid => "a UUID",
        }
    }
}

impl Expect {
    pub(super) fn kind(&self) -> Kind {
        match self {
            Expect::Plain(kind) => *kind,
            Expect::Struct(_) => Kind::Struct,
            Expect::List(_) => Kind::List,
        }
    }
}

/// A structure's fields: id and what is expected of it.
pub(super) struct Table {
    pub(super) name: &'static str,
    pub(super) fields: &'static [(i64, Expect)],
}

impl Table {
    pub(super) fn field(&self, id: i64) -> Option<&'static Expect> {
        // The tables are 'static; the lookup returns a 'static reference.
        let fields: &'static [(i64, Expect)] = self.fields;
        fields.iter().find(|(i, _)| *i == id).map(|(_, e)| e)
    }
}

use Expect::{List, Plain, Struct};
use Kind::{Binary, Boolean, Byte, Double, Integer};

const EMPTY: Table = Table {
    name: "an empty structure",
    fields: &[],
};

pub(super) static FILE_METADATA: Table = Table {
    name: "FileMetaData",
    fields: &[
        (1, Plain(Integer)),
        (2, List(&Struct(&SCHEMA_ELEMENT))),
        (3, Plain(Integer)),
        (4, List(&Struct(&ROW_GROUP))),
        (5, List(&Struct(&KEY_VALUE))),
        (6, Plain(Binary)),
        (7, List(&Struct(&COLUMN_ORDER))),
        (8, Struct(&ENCRYPTION_ALGORITHM)),
        (9, Plain(Binary)),
    ],
};

static SCHEMA_ELEMENT: Table = Table {
    name: "SchemaElement",
    fields: &[
        (1, Plain(Integer)),
        (2, Plain(Integer)),
        (3, Plain(Integer)),
        (4, Plain(Binary)),
        (5, Plain(Integer)),
        (6, Plain(Integer)),
        (7, Plain(Integer)),
        (8, Plain(Integer)),
        (9, Plain(Integer)),
        (10, Struct(&LOGICAL_TYPE)),
    ],
};

static LOGICAL_TYPE: Table = Table {
    name: "LogicalType",
    fields: &[
        (1, Struct(&EMPTY)),
        (2, Struct(&EMPTY)),
        (3, Struct(&EMPTY)),
        (4, Struct(&EMPTY)),
        (5, Struct(&DECIMAL_TYPE)),
        (6, Struct(&EMPTY)),
        (7, Struct(&TIME_TYPE)),
        (8, Struct(&TIME_TYPE)),
        (10, Struct(&INT_TYPE)),
        (11, Struct(&EMPTY)),
        (12, Struct(&EMPTY)),
        (13, Struct(&EMPTY)),
        (14, Struct(&EMPTY)),
        (15, Struct(&EMPTY)),
        (16, Struct(&VARIANT_TYPE)),
        (17, Struct(&GEOMETRY_TYPE)),
        (18, Struct(&GEOGRAPHY_TYPE)),
    ],
};

static DECIMAL_TYPE: Table = Table {
    name: "DecimalType",
    fields: &[(1, Plain(Integer)), (2, Plain(Integer))],
};

/// TimeType and TimestampType.
static TIME_TYPE: Table = Table {
    name: "TimeType",
    fields: &[(1, Plain(Boolean)), (2, Struct(&TIME_UNIT))],
};

static TIME_UNIT: Table = Table {
    name: "TimeUnit",
    fields: &[
        (1, Struct(&EMPTY)),
        (2, Struct(&EMPTY)),
        (3, Struct(&EMPTY)),
    ],
};

static INT_TYPE: Table = Table {
    name: "IntType",
    fields: &[(1, Plain(Byte)), (2, Plain(Boolean))],
};

static VARIANT_TYPE: Table = Table {
    name: "VariantType",
    fields: &[(1, Plain(Byte))],
};

static GEOMETRY_TYPE: Table = Table {
    name: "GeometryType",
    fields: &[(1, Plain(Binary))],
};

static GEOGRAPHY_TYPE: Table = Table {
    name: "GeographyType",
    fields: &[(1, Plain(Binary)), (2, Plain(Integer))],
};

static ROW_GROUP: Table = Table {
    name: "RowGroup",
    fields: &[
        (1, List(&Struct(&COLUMN_CHUNK))),
        (2, Plain(Integer)),
        (3, Plain(Integer)),
        (4, List(&Struct(&SORTING_COLUMN))),
        (5, Plain(Integer)),
        (6, Plain(Integer)),
        (7, Plain(Integer)),
    ],
};

static COLUMN_CHUNK: Table = Table {
    name: "ColumnChunk",
    fields: &[
        (1, Plain(Binary)),
        (2, Plain(Integer)),
        (3, Struct(&COLUMN_METADATA)),
        (4, Plain(Integer)),
        (5, Plain(Integer)),
        (6, Plain(Integer)),
        (7, Plain(Integer)),
        (8, Struct(&COLUMN_CRYPTO_METADATA)),
        (9, Plain(Binary)),
    ],
};

static COLUMN_METADATA: Table = Table {
    name: "ColumnMetaData",
    fields: &[
        (1, Plain(Integer)),
        (2, List(&Plain(Integer))),
        (3, List(&Plain(Binary))),
        (4, Plain(Integer)),
        (5, Plain(Integer)),
        (6, Plain(Integer)),
        (7, Plain(Integer)),
        (8, List(&Struct(&KEY_VALUE))),
        (9, Plain(Integer)),
        (10, Plain(Integer)),
        (11, Plain(Integer)),
        (12, Struct(&STATISTICS)),
        (13, List(&Struct(&PAGE_ENCODING_STATS))),
        (14, Plain(Integer)),
        (15, Plain(Integer)),
        (16, Struct(&SIZE_STATISTICS)),
        (17, Struct(&GEOSPATIAL_STATISTICS)),
    ],
};

static STATISTICS: Table = Table {
    name: "Statistics",
    fields: &[
        (1, Plain(Binary)),
        (2, Plain(Binary)),
        (3, Plain(Integer)),
        (4, Plain(Integer)),
        (5, Plain(Binary)),
        (6, Plain(Binary)),
        (7, Plain(Boolean)),
        (8, Plain(Boolean)),
    ],
};

static PAGE_ENCODING_STATS: Table = Table {
    name: "PageEncodingStats",
    fields: &[
        (1, Plain(Integer)),
        (2, Plain(Integer)),
        (3, Plain(Integer)),
    ],
};

static SIZE_STATISTICS: Table = Table {
    name: "SizeStatistics",
    fields: &[
        (1, Plain(Integer)),
        (2, List(&Plain(Integer))),
        (3, List(&Plain(Integer))),
    ],
};

static GEOSPATIAL_STATISTICS: Table = Table {
    name: "GeospatialStatistics",
    fields: &[(1, Struct(&BOUNDING_BOX)), (2, List(&Plain(Integer)))],
};

static BOUNDING_BOX: Table = Table {
    name: "BoundingBox",
    fields: &[
        (1, Plain(Double)),
        (2, Plain(Double)),
        (3, Plain(Double)),
        (4, Plain(Double)),
        (5, Plain(Double)),
        (6, Plain(Double)),
        (7, Plain(Double)),
        (8, Plain(Double)),
    ],
};

static KEY_VALUE: Table = Table {
    name: "KeyValue",
    fields: &[(1, Plain(Binary)), (2, Plain(Binary))],
};

static SORTING_COLUMN: Table = Table {
    name: "SortingColumn",
    fields: &[
        (1, Plain(Integer)),
        (2, Plain(Boolean)),
        (3, Plain(Boolean)),
    ],
};

static COLUMN_ORDER: Table = Table {
    name: "ColumnOrder",
    fields: &[(1, Struct(&EMPTY))],
};

static ENCRYPTION_ALGORITHM: Table = Table {
    name: "EncryptionAlgorithm",
    fields: &[(1, Struct(&AES_GCM)), (2, Struct(&AES_GCM))],
};

/// AesGcmV1 and AesGcmCtrV1.
static AES_GCM: Table = Table {
    name: "AesGcmV1",
    fields: &[(1, Plain(Binary)), (2, Plain(Binary)), (3, Plain(Boolean))],
};

static COLUMN_CRYPTO_METADATA: Table = Table {
    name: "ColumnCryptoMetaData",
    fields: &[
        (1, Struct(&EMPTY)),
        (2, Struct(&ENCRYPTION_WITH_COLUMN_KEY)),
    ],
};

static ENCRYPTION_WITH_COLUMN_KEY: Table = Table {
    name: "EncryptionWithColumnKey",
    fields: &[(1, List(&Plain(Binary))), (2, Plain(Binary))],
};

pub(super) static PAGE_HEADER: Table = Table {
    name: "PageHeader",
    fields: &[
        (1, Plain(Integer)),
        (2, Plain(Integer)),
        (3, Plain(Integer)),
        (4, Plain(Integer)),
        (5, Struct(&DATA_PAGE_HEADER)),
        (6, Struct(&EMPTY)),
        (7, Struct(&DICTIONARY_PAGE_HEADER)),
        (8, Struct(&DATA_PAGE_HEADER_V2)),
    ],
};

static DATA_PAGE_HEADER: Table = Table {
    name: "DataPageHeader",
    fields: &[
        (1, Plain(Integer)),
        (2, Plain(Integer)),
        (3, Plain(Integer)),
        (4, Plain(Integer)),
        (5, Struct(&STATISTICS)),
    ],
};

static DICTIONARY_PAGE_HEADER: Table = Table {
    name: "DictionaryPageHeader",
    fields: &[
        (1, Plain(Integer)),
        (2, Plain(Integer)),
        (3, Plain(Boolean)),
    ],
};

static DATA_PAGE_HEADER_V2: Table = Table {
    name: "DataPageHeaderV2",
    fields: &[
        (1, Plain(Integer)),
        (2, Plain(Integer)),
        (3, Plain(Integer)),
        (4, Plain(Integer)),
        (5, Plain(Integer)),
        (6, Plain(Integer)),
        (7, Plain(Boolean)),
        (8, Struct(&STATISTICS)),
    ],
};
