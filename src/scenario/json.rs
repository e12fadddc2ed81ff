//! A small JSON reader and writer: what the browser build needs of JSON, without serde_json.
//!
//! Why not serde_json: with serde's serializers it cost the gzipped wasm bundle several
//! kilobytes, for reading exported runs and host messages and writing exported runs and host
//! events. This module does the same in a fraction of that, and behaves exactly like serde_json
//! on every input (native tests check it against serde_json byte for byte):
//!
//! - [`parse`] accepts and refuses the same texts as `serde_json::from_str::<serde_json::Value>`,
//!   with the same error kind, line and column; numbers read the same (whole numbers exactly as
//!   `u64` or, when negative, `i64`; others as the same `f64`, by serde_json's own algorithm);
//!   objects keep their keys sorted, a repeated key keeping its last value, as serde_json's
//!   `Map` does without the `preserve_order` feature. Arrays and objects nest at most
//!   [`MAX_DEPTH`] deep, so deeply nested junk is an error, not a stack overflow.
//! - [`Writer`] writes what `serde_json::to_string` (compact) or `to_string_pretty` (two-space
//!   indent) writes, with the same string escapes.

/// The most arrays and objects that may be nested inside one another: serde_json's limit.
pub const MAX_DEPTH: usize = 127;

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

/// A JSON number as serde_json keeps it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A whole number from 0 to 2^64-1.
    U64(u64),
    /// A negative whole number from -2^63.
    I64(i64),
    /// Any other number: with a fraction or exponent, `-0`, or beyond 64 bits. Always finite.
    F64(f64),
}

/// A JSON object: its fields sorted by key, each key once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(Vec<(String, Value)>);

impl Map {
    /// The map of `entries`; of fields with the same key, the last one is kept.
    pub fn from_entries(entries: Vec<(String, Value)>) -> Map {
        // Stable, so equal keys stay in their order; then each later value moves into the first
        // field with its key, which is the one kept.
        let mut entries = sort_by_key(entries);
        entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(&mut later.1, &mut kept.1);
            }
            same
        });
        Map(entries)
    }

    /// The value of the field `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let i = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The fields, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// Sorts fields by key, stably (fields with equal keys keep their order): a merge sort, by hand
/// because the standard library's sort would add its own copy of the sorting code to the wasm
/// bundle for this element type (about 1.5 KB gzipped). O(n log n), so a huge object is no
/// trouble.
fn sort_by_key(mut entries: Vec<(String, Value)>) -> Vec<(String, Value)> {
    if entries.len() < 2 {
        return entries;
    }
    let mut right = sort_by_key(entries.split_off(entries.len() / 2))
        .into_iter()
        .peekable();
    let mut left = sort_by_key(entries).into_iter().peekable();
    let mut merged = Vec::with_capacity(left.len() + right.len());
    loop {
        // Of equal keys the left one comes first: that keeps the sort stable.
        let from_right = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => r.0 < l.0,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => return merged,
        };
        let next = if from_right {
            right.next()
        } else {
            left.next()
        };
        merged.extend(next);
    }
}

impl Value {
    /// The number, if it is a whole number from 0 to 2^64-1 (as serde_json's `as_u64`).
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Number(Number::U64(n)) => Some(n),
            Value::Number(Number::I64(n)) => u64::try_from(n).ok(),
            _ => None,
        }
    }

    /// The number, if it is a whole number from -2^63 to 2^63-1 (as serde_json's `as_i64`).
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Number(Number::U64(n)) => i64::try_from(n).ok(),
            Value::Number(Number::I64(n)) => Some(n),
            _ => None,
        }
    }

    /// The number as a float, if it is a number (as serde_json's `as_f64`).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Number(Number::U64(n)) => Some(n as f64),
            Value::Number(Number::I64(n)) => Some(n as f64),
            Value::Number(Number::F64(f)) => Some(f),
            _ => None,
        }
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The array, if it is one.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object, if it is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// What is wrong with a text that is not JSON (serde_json's error codes of the same names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ErrorCode {
    EofWhileParsingList,
    EofWhileParsingObject,
    EofWhileParsingString,
    EofWhileParsingValue,
    ExpectedColon,
    ExpectedListCommaOrEnd,
    ExpectedObjectCommaOrEnd,
    ExpectedSomeIdent,
    ExpectedSomeValue,
    InvalidEscape,
    InvalidNumber,
    NumberOutOfRange,
    ControlCharacterWhileParsingString,
    KeyMustBeAString,
    LoneLeadingSurrogateInHexEscape,
    TrailingComma,
    TrailingCharacters,
    UnexpectedEndOfHexEscape,
    RecursionLimitExceeded,
}

/// Why [`parse`] refused a text, and where: the same line and column as serde_json's (the column
/// counts bytes, from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    /// What is wrong.
    pub code: ErrorCode,
    /// Line, from 1.
    pub line: usize,
    /// Column in bytes, from 1 (0 just after a line break).
    pub column: usize,
}

impl Error {
    /// Whether the text ended before the JSON did (serde_json's `is_eof`).
    pub fn is_eof(&self) -> bool {
        matches!(
            self.code,
            ErrorCode::EofWhileParsingList
                | ErrorCode::EofWhileParsingObject
                | ErrorCode::EofWhileParsingString
                | ErrorCode::EofWhileParsingValue
        )
    }
}

type Parsed<T> = Result<T, Error>;

/// Parses one JSON value, with nothing but whitespace around it.
pub fn parse(text: &str) -> Parsed<Value> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        i: 0,
        remaining_depth: MAX_DEPTH + 1,
    };
    let value = p.value()?;
    match p.whitespace() {
        Some(_) => Err(p.peek_error(ErrorCode::TrailingCharacters)),
        None => Ok(value),
    }
}

/// A recursive descent parser that follows serde_json's step by step, so that it fails at the
/// same place with the same error.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// The next byte to read.
    i: usize,
    remaining_depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek();
        if b.is_some() {
            self.i += 1;
        }
        b
    }

    /// An error at byte `index` (serde_json's `position_of_index`).
    fn error_at(&self, index: usize, code: ErrorCode) -> Error {
        let before = self.bytes.get(..index).unwrap_or(self.bytes);
        let start_of_line = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line = 1 + before
            .iter()
            .take(start_of_line)
            .filter(|&&b| b == b'\n')
            .count();
        Error {
            code,
            line,
            column: index - start_of_line,
        }
    }

    /// An error at the last byte read.
    fn error(&self, code: ErrorCode) -> Error {
        self.error_at(self.i, code)
    }

    /// An error at the next byte.
    fn peek_error(&self, code: ErrorCode) -> Error {
        self.error_at((self.i + 1).min(self.bytes.len()), code)
    }

    /// Skips whitespace and returns the next byte, not reading it.
    fn whitespace(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
        self.peek()
    }

    fn value(&mut self) -> Parsed<Value> {
        let Some(peek) = self.whitespace() else {
            return Err(self.peek_error(ErrorCode::EofWhileParsingValue));
        };
        Ok(match peek {
            b'n' => {
                self.i += 1;
                self.ident(b"ull")?;
                Value::Null
            }
            b't' => {
                self.i += 1;
                self.ident(b"rue")?;
                Value::Bool(true)
            }
            b'f' => {
                self.i += 1;
                self.ident(b"alse")?;
                Value::Bool(false)
            }
            b'-' => {
                self.i += 1;
                Value::Number(self.number(false)?)
            }
            b'0'..=b'9' => Value::Number(self.number(true)?),
            b'"' => {
                self.i += 1;
                Value::String(self.string()?)
            }
            b'[' | b'{' => {
                self.remaining_depth -= 1;
                if self.remaining_depth == 0 {
                    return Err(self.peek_error(ErrorCode::RecursionLimitExceeded));
                }
                self.i += 1;
                let value = if peek == b'[' {
                    self.array()?
                } else {
                    self.object()?
                };
                self.remaining_depth += 1;
                value
            }
            _ => return Err(self.peek_error(ErrorCode::ExpectedSomeValue)),
        })
    }

    fn ident(&mut self, rest: &[u8]) -> Parsed<()> {
        for &expected in rest {
            match self.next() {
                None => return Err(self.error(ErrorCode::EofWhileParsingValue)),
                Some(b) if b != expected => return Err(self.error(ErrorCode::ExpectedSomeIdent)),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The elements of an array whose `[` was read, and its `]`.
    fn array(&mut self) -> Parsed<Value> {
        let mut items = Vec::new();
        loop {
            let Some(peek) = self.whitespace() else {
                return Err(self.peek_error(ErrorCode::EofWhileParsingList));
            };
            if peek == b']' {
                break;
            }
            if !items.is_empty() {
                if peek != b',' {
                    return Err(self.peek_error(ErrorCode::ExpectedListCommaOrEnd));
                }
                self.i += 1;
                match self.whitespace() {
                    Some(b']') => return Err(self.peek_error(ErrorCode::TrailingComma)),
                    Some(_) => {}
                    None => return Err(self.peek_error(ErrorCode::EofWhileParsingValue)),
                }
            }
            items.push(self.value()?);
        }
        self.i += 1;
        Ok(Value::Array(items))
    }

    /// The fields of an object whose `{` was read, and its `}`.
    fn object(&mut self) -> Parsed<Value> {
        let mut entries = Vec::new();
        loop {
            let Some(peek) = self.whitespace() else {
                return Err(self.peek_error(ErrorCode::EofWhileParsingObject));
            };
            if peek == b'}' {
                break;
            }
            if entries.is_empty() {
                if peek != b'"' {
                    return Err(self.peek_error(ErrorCode::KeyMustBeAString));
                }
            } else {
                if peek != b',' {
                    return Err(self.peek_error(ErrorCode::ExpectedObjectCommaOrEnd));
                }
                self.i += 1;
                match self.whitespace() {
                    Some(b'"') => {}
                    Some(b'}') => return Err(self.peek_error(ErrorCode::TrailingComma)),
                    Some(_) => return Err(self.peek_error(ErrorCode::KeyMustBeAString)),
                    None => return Err(self.peek_error(ErrorCode::EofWhileParsingValue)),
                }
            }
            self.i += 1;
            let key = self.string()?;
            match self.whitespace() {
                Some(b':') => self.i += 1,
                Some(_) => return Err(self.peek_error(ErrorCode::ExpectedColon)),
                None => return Err(self.peek_error(ErrorCode::EofWhileParsingObject)),
            }
            let value = self.value()?;
            entries.push((key, value));
        }
        self.i += 1;
        Ok(Value::Object(Map::from_entries(entries)))
    }

    /// The rest of a string whose opening quote was read, and its closing quote.
    fn string(&mut self) -> Parsed<String> {
        let mut out = String::new();
        let mut start = self.i;
        loop {
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            let Some(b) = self.peek() else {
                return Err(self.error(ErrorCode::EofWhileParsingString));
            };
            // Both ends are at ASCII bytes, so at character boundaries.
            out.push_str(self.text.get(start..self.i).unwrap_or_default());
            self.i += 1;
            match b {
                b'"' => return Ok(out),
                b'\\' => {
                    self.escape(&mut out)?;
                    start = self.i;
                }
                _ => return Err(self.error(ErrorCode::ControlCharacterWhileParsingString)),
            }
        }
    }

    /// An escape whose backslash was read.
    fn escape(&mut self, out: &mut String) -> Parsed<()> {
        let Some(b) = self.next() else {
            return Err(self.error(ErrorCode::EofWhileParsingString));
        };
        out.push(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\x08',
            b'f' => '\x0c',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(out),
            _ => return Err(self.error(ErrorCode::InvalidEscape)),
        });
        Ok(())
    }

    /// The four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Parsed<u32> {
        let bytes = self.bytes;
        let Some(digits) = bytes.get(self.i..self.i + 4) else {
            self.i = bytes.len();
            return Err(self.error(ErrorCode::EofWhileParsingString));
        };
        self.i += 4;
        let mut n = 0;
        for &d in digits {
            let Some(v) = char::from(d).to_digit(16) else {
                return Err(self.error(ErrorCode::InvalidEscape));
            };
            n = n << 4 | v;
        }
        Ok(n)
    }

    /// A `\u` escape whose `\u` was read: a character, or a surrogate pair in two escapes.
    fn unicode_escape(&mut self, out: &mut String) -> Parsed<()> {
        let n = self.hex4()?;
        let code = match n {
            0xDC00..=0xDFFF => return Err(self.error(ErrorCode::LoneLeadingSurrogateInHexEscape)),
            0xD800..=0xDBFF => {
                for expected in [b'\\', b'u'] {
                    match self.next() {
                        None => return Err(self.error(ErrorCode::EofWhileParsingString)),
                        Some(b) if b != expected => {
                            return Err(self.error(ErrorCode::UnexpectedEndOfHexEscape))
                        }
                        Some(_) => {}
                    }
                }
                let n2 = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&n2) {
                    return Err(self.error(ErrorCode::LoneLeadingSurrogateInHexEscape));
                }
                (((n - 0xD800) << 10) | (n2 - 0xDC00)) + 0x1_0000
            }
            _ => n,
        };
        // Never the replacement: surrogates were handled above.
        out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
        Ok(())
    }

    /// A number whose sign, if any, was read.
    fn number(&mut self, positive: bool) -> Parsed<Number> {
        let significand = match self.next() {
            None => return Err(self.error(ErrorCode::EofWhileParsingValue)),
            Some(b'0') => {
                // One leading zero at most.
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.peek_error(ErrorCode::InvalidNumber));
                }
                0
            }
            Some(first @ b'1'..=b'9') => {
                let mut significand = u64::from(first - b'0');
                while let Some(c @ b'0'..=b'9') = self.peek() {
                    let digit = u64::from(c - b'0');
                    if overflows(significand, digit) {
                        return self.long_integer(positive, significand).map(Number::F64);
                    }
                    self.i += 1;
                    significand = significand * 10 + digit;
                }
                significand
            }
            Some(_) => return Err(self.error(ErrorCode::InvalidNumber)),
        };
        Ok(match self.peek() {
            Some(b'.') => Number::F64(self.decimal(positive, significand, 0)?),
            Some(b'e' | b'E') => Number::F64(self.exponent(positive, significand, 0)?),
            _ if positive => Number::U64(significand),
            _ => {
                let negative = (significand as i64).wrapping_neg();
                // A float below -2^63, and for `-0`, as in serde_json.
                if negative >= 0 {
                    Number::F64(-(significand as f64))
                } else {
                    Number::I64(negative)
                }
            }
        })
    }

    /// The rest of a whole number too large for 64 bits: its further digits only scale it.
    fn long_integer(&mut self, positive: bool, significand: u64) -> Parsed<f64> {
        let mut exponent: i32 = 0;
        loop {
            match self.peek() {
                Some(b'0'..=b'9') => {
                    self.i += 1;
                    exponent = exponent.saturating_add(1);
                }
                Some(b'.') => return self.decimal(positive, significand, exponent),
                Some(b'e' | b'E') => return self.exponent(positive, significand, exponent),
                _ => return self.float(positive, significand, exponent),
            }
        }
    }

    /// The fraction of a number, at its `.`.
    fn decimal(
        &mut self,
        positive: bool,
        mut significand: u64,
        exponent_before: i32,
    ) -> Parsed<f64> {
        self.i += 1;
        let mut exponent_after: i32 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            let digit = u64::from(c - b'0');
            if overflows(significand, digit) {
                // Digits beyond 64 bits of significand are ignored.
                while let Some(b'0'..=b'9') = self.peek() {
                    self.i += 1;
                }
                return self.float_or_exponent(
                    positive,
                    significand,
                    exponent_before + exponent_after,
                );
            }
            self.i += 1;
            significand = significand * 10 + digit;
            exponent_after -= 1;
        }
        if exponent_after == 0 {
            return Err(match self.peek() {
                Some(_) => self.peek_error(ErrorCode::InvalidNumber),
                None => self.peek_error(ErrorCode::EofWhileParsingValue),
            });
        }
        self.float_or_exponent(positive, significand, exponent_before + exponent_after)
    }

    fn float_or_exponent(
        &mut self,
        positive: bool,
        significand: u64,
        exponent: i32,
    ) -> Parsed<f64> {
        match self.peek() {
            Some(b'e' | b'E') => self.exponent(positive, significand, exponent),
            _ => self.float(positive, significand, exponent),
        }
    }

    /// The exponent of a number, at its `e`.
    fn exponent(&mut self, positive: bool, significand: u64, starting_exp: i32) -> Parsed<f64> {
        self.i += 1;
        let positive_exp = match self.peek() {
            Some(b'+') => {
                self.i += 1;
                true
            }
            Some(b'-') => {
                self.i += 1;
                false
            }
            _ => true,
        };
        let mut exp = match self.next() {
            None => return Err(self.error(ErrorCode::EofWhileParsingValue)),
            Some(c @ b'0'..=b'9') => i32::from(c - b'0'),
            Some(_) => return Err(self.error(ErrorCode::InvalidNumber)),
        };
        while let Some(c @ b'0'..=b'9') = self.peek() {
            self.i += 1;
            let digit = i32::from(c - b'0');
            if exp >= i32::MAX / 10 && (exp > i32::MAX / 10 || digit > i32::MAX % 10) {
                // An exponent beyond 32 bits: infinity is an error, zero is zero.
                if significand != 0 && positive_exp {
                    return Err(self.error(ErrorCode::NumberOutOfRange));
                }
                while let Some(b'0'..=b'9') = self.peek() {
                    self.i += 1;
                }
                return Ok(if positive { 0.0 } else { -0.0 });
            }
            exp = exp * 10 + digit;
        }
        let exponent = if positive_exp {
            starting_exp.saturating_add(exp)
        } else {
            starting_exp.saturating_sub(exp)
        };
        self.float(positive, significand, exponent)
    }

    /// `significand` × 10^`exponent`, computed as serde_json does without its `float_roundtrip`
    /// feature (one multiplication or division by a power of ten, so not always the nearest
    /// float), and the same error for infinity.
    fn float(&self, positive: bool, significand: u64, mut exponent: i32) -> Parsed<f64> {
        let mut f = significand as f64;
        loop {
            let magnitude = exponent.unsigned_abs();
            if magnitude <= 308 {
                let pow = pow10(magnitude);
                if exponent >= 0 {
                    f *= pow;
                    if f.is_infinite() {
                        return Err(self.error(ErrorCode::NumberOutOfRange));
                    }
                } else {
                    f /= pow;
                }
                break;
            }
            if f == 0.0 {
                break;
            }
            if exponent >= 0 {
                return Err(self.error(ErrorCode::NumberOutOfRange));
            }
            f /= 1e308;
            exponent += 308;
        }
        Ok(if positive { f } else { -f })
    }
}

/// Whether `a * 10 + b` overflows a `u64`.
fn overflows(a: u64, b: u64) -> bool {
    a >= u64::MAX / 10 && (a > u64::MAX / 10 || b > u64::MAX % 10)
}

/// 10^`n` rounded to the nearest `f64`, for `n` up to 308: the entries of serde_json's table of
/// powers of ten, computed instead of stored (a table would cost the wasm bundle 2.5 KB).
fn pow10(n: u32) -> f64 {
    // 10^n = 5^n * 2^n. 5^308 < 2^716: 23 limbs of 32 bits, least significant first.
    let mut limbs = [0u32; 23];
    limbs[0] = 1;
    let mut len = 1;
    for _ in 0..n {
        let mut carry = 0u64;
        for limb in &mut limbs[..len] {
            let product = u64::from(*limb) * 5 + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry != 0 {
            limbs[len] = carry as u32;
            len += 1;
        }
    }
    // The top 64 bits of 5^n, its bit length, and whether any bit below them is set.
    let top = limbs[len - 1];
    let bits = 32 * len as u32 - top.leading_zeros();
    let mut wide: u128 = 0;
    for &limb in limbs[..len].iter().rev().take(3) {
        wide = wide << 32 | u128::from(limb);
    }
    let wide_bits = 32 * len.min(3) as u32 - top.leading_zeros();
    let mut sticky = limbs[..len.saturating_sub(3)].iter().any(|&l| l != 0);
    let mantissa64: u64 = if wide_bits > 64 {
        let shift = wide_bits - 64;
        sticky |= wide & ((1u128 << shift) - 1) != 0;
        (wide >> shift) as u64
    } else {
        (wide << (64 - wide_bits)) as u64
    };
    // Round to 53 bits, half to even.
    let mut mantissa = mantissa64 >> 11;
    let rest = mantissa64 & 0x7ff;
    if rest > 0x400 || (rest == 0x400 && (sticky || mantissa & 1 == 1)) {
        mantissa += 1;
    }
    // 5^n ≈ mantissa × 2^(bits - 53); a carry out of 53 bits is 2^53, still exact as written.
    let exponent = (bits as i32 - 53) + n as i32;
    let value_bits = if mantissa == 1 << 53 {
        ((exponent + 1 + 52 + 1023) as u64) << 52
    } else {
        ((exponent + 52 + 1023) as u64) << 52 | (mantissa & ((1 << 52) - 1))
    };
    f64::from_bits(value_bits)
}

/// Writes JSON text as serde_json's `to_string` (compact) or `to_string_pretty` does.
///
/// Values are written in order: [`Writer::key`] before each field of an object, [`Writer::item`]
/// before each element of an array.
pub struct Writer {
    out: String,
    pretty: bool,
    depth: usize,
    /// Whether the innermost open array or object has no element yet.
    first: bool,
}

impl Writer {
    /// A writer of compact JSON (`{"a":1}`) if `pretty` is false, else of JSON indented by two
    /// spaces, one field or element a line.
    pub fn new(pretty: bool) -> Writer {
        Writer {
            out: String::new(),
            pretty,
            depth: 0,
            first: true,
        }
    }

    /// The text written.
    pub fn finish(self) -> String {
        self.out
    }

    fn separate(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.first = true;
    }

    fn close(&mut self, bracket: char) {
        self.depth -= 1;
        if self.pretty && !self.first {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
        self.out.push(bracket);
        self.first = false;
    }

    /// Opens an object.
    pub fn begin_object(&mut self) {
        self.open('{');
    }

    /// Closes the innermost object.
    pub fn end_object(&mut self) {
        self.close('}');
    }

    /// Opens an array.
    pub fn begin_array(&mut self) {
        self.open('[');
    }

    /// Closes the innermost array.
    pub fn end_array(&mut self) {
        self.close(']');
    }

    /// Starts a field of the innermost object: its key; its value comes next.
    pub fn key(&mut self, key: &str) {
        self.separate();
        self.string(key);
        self.out.push_str(if self.pretty { ": " } else { ":" });
    }

    /// Starts an element of the innermost array; its value comes next.
    pub fn item(&mut self) {
        self.separate();
    }

    /// `null`.
    pub fn null(&mut self) {
        self.out.push_str("null");
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) {
        self.out.push_str(if b { "true" } else { "false" });
    }

    /// A whole number.
    pub fn u64(&mut self, n: u64) {
        self.out.push_str(&n.to_string());
    }

    /// A whole number that may be negative.
    pub fn i64(&mut self, n: i64) {
        self.out.push_str(&n.to_string());
    }

    /// A string, with serde_json's escapes.
    pub fn string(&mut self, s: &str) {
        self.out.push('"');
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                0x08 => "\\b",
                0x0c => "\\f",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..=0x1f => "",
                _ => continue,
            };
            // `i` is at an ASCII byte, so at a character boundary.
            self.out.push_str(s.get(start..i).unwrap_or_default());
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.out.push_str("\\u00");
                self.out.push(char::from(HEX[usize::from(b >> 4)]));
                self.out.push(char::from(HEX[usize::from(b & 0xf)]));
            } else {
                self.out.push_str(escape);
            }
            start = i + 1;
        }
        self.out.push_str(s.get(start..).unwrap_or_default());
        self.out.push('"');
    }

    /// An externally tagged enum variant with content, as serde writes it: `{"Name": content}`,
    /// the content written by `content`.
    pub fn variant(&mut self, name: &str, content: impl FnOnce(&mut Writer)) {
        self.begin_object();
        self.key(name);
        content(self);
        self.end_object();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_json's message for each code.
    fn message(code: ErrorCode) -> &'static str {
        match code {
            ErrorCode::EofWhileParsingList => "EOF while parsing a list",
            ErrorCode::EofWhileParsingObject => "EOF while parsing an object",
            ErrorCode::EofWhileParsingString => "EOF while parsing a string",
            ErrorCode::EofWhileParsingValue => "EOF while parsing a value",
            ErrorCode::ExpectedColon => "expected `:`",
            ErrorCode::ExpectedListCommaOrEnd => "expected `,` or `]`",
            ErrorCode::ExpectedObjectCommaOrEnd => "expected `,` or `}`",
            ErrorCode::ExpectedSomeIdent => "expected ident",
            ErrorCode::ExpectedSomeValue => "expected value",
            ErrorCode::InvalidEscape => "invalid escape",
            ErrorCode::InvalidNumber => "invalid number",
            ErrorCode::NumberOutOfRange => "number out of range",
            ErrorCode::ControlCharacterWhileParsingString => {
                "control character (\\u0000-\\u001F) found while parsing a string"
            }
            ErrorCode::KeyMustBeAString => "key must be a string",
            ErrorCode::LoneLeadingSurrogateInHexEscape => "lone leading surrogate in hex escape",
            ErrorCode::TrailingComma => "trailing comma",
            ErrorCode::TrailingCharacters => "trailing characters",
            ErrorCode::UnexpectedEndOfHexEscape => "unexpected end of hex escape",
            ErrorCode::RecursionLimitExceeded => "recursion limit exceeded",
        }
    }

    /// Whether `ours` is `theirs`, floats compared bit for bit.
    fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
        use serde_json::Value as S;
        match (ours, theirs) {
            (Value::Null, S::Null) => true,
            (Value::Bool(a), S::Bool(b)) => a == b,
            (Value::Number(n), S::Number(m)) => match *n {
                Number::U64(a) => m.is_u64() && m.as_u64() == Some(a),
                Number::I64(a) => m.is_i64() && m.as_i64() == Some(a),
                Number::F64(a) => m.is_f64() && m.as_f64().map(f64::to_bits) == Some(a.to_bits()),
            },
            (Value::String(a), S::String(b)) => a == b,
            (Value::Array(a), S::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
            }
            (Value::Object(a), S::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((k, x), (l, y))| k == l.as_str() && same(x, y))
            }
            _ => false,
        }
    }

    /// Checks that [`parse`] does with `text` what serde_json does: the same value, or the same
    /// error at the same place.
    fn check(text: &str) {
        let theirs = serde_json::from_str::<serde_json::Value>(text);
        match (parse(text), theirs) {
            (Ok(ours), Ok(theirs)) => assert!(same(&ours, &theirs), "{text:?}: {ours:?}"),
            (Err(ours), Err(theirs)) => {
                let ours_text = format!(
                    "{} at line {} column {}",
                    message(ours.code),
                    ours.line,
                    ours.column
                );
                assert_eq!(ours_text, theirs.to_string(), "{text:?}");
                assert_eq!(ours.is_eof(), theirs.is_eof(), "{text:?}");
            }
            (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn powers_of_ten_are_the_nearest_floats() {
        for n in 0..=308u32 {
            let expected: f64 = format!("1e{n}").parse().expect("a float");
            assert_eq!(pow10(n).to_bits(), expected.to_bits(), "10^{n}");
        }
    }

    #[test]
    fn values_read_as_serde_json_reads_them() {
        for text in [
            "null",
            " true ",
            "false",
            "0",
            "-0",
            "-0.0",
            "1",
            "9007199254740993",
            "18446744073709551615",
            "18446744073709551616",
            "184467440737095516150",
            "-9223372036854775808",
            "-9223372036854775809",
            "-18446744073709551616",
            "0.1",
            "0.25",
            "1.5e3",
            "1E+2",
            "2e-3",
            "123.456e-7",
            "1.7976931348623157e308",
            "1.8e308",
            "1e309",
            "-1e309",
            "1e400",
            "0e400",
            "1e-400",
            "4.9e-324",
            "1e99999999999",
            "0e99999999999",
            "1e-99999999999",
            "-1e-99999999999",
            "123456789012345678901234567890.5e3",
            "0.12345678901234567890123456789",
            "1.123456789012345678901234567890e-5",
            "\"\"",
            "\"plain\"",
            r#""\" \\ \/ \b \f \n \r \t""#,
            r#""\u0041\u00e9\u20AC\ud83e\udd80""#,
            "\"é and 🦀\"",
            "[]",
            "[ ]",
            "[1,2, 3 ]",
            "{}",
            "{ }",
            r#"{"b":1,"a":2,"b":3}"#,
            r#"{"a":{"a":{"a":[{}]}}}"#,
            " \t\r\n[\n1\n]\n ",
        ] {
            // Some numbers are out of range: serde_json refuses them too.
            check(text);
        }
    }

    #[test]
    fn errors_are_serde_jsons_at_the_same_place() {
        for text in [
            "",
            "   ",
            "nul",
            "nulL",
            "tru",
            "fals",
            "x",
            "-",
            "-x",
            "01",
            "-01",
            "1.",
            "1.x",
            "1e",
            "1e+",
            "1ex",
            "1.e5",
            ".5",
            "+1",
            "\"abc",
            "\"a\u{1}b\"",
            "\"tab\there\"",
            r#""\x""#,
            r#""\u12""#,
            r#""\u12G4""#,
            r#""\udc00""#,
            r#""\ud800""#,
            r#""\ud800x""#,
            r#""\ud800\n""#,
            r#""\ud800\u0041""#,
            r#""\ud800\ud800""#,
            r#""\"#,
            "[",
            "[1",
            "[1,",
            "[1,]",
            "[1 2]",
            "[1,,2]",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":1",
            "{\"a\":1,",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:1}",
            "{\"a\":1 \"b\":2}",
            "{\"a\":1,2}",
            "[1]]",
            "[1] x",
            "1 2",
            "{}\n\n  }",
            "[\n  1,\n  2\n  x\n]",
            "[\n\n]\n,",
        ] {
            assert!(parse(text).is_err(), "{text}");
            check(text);
        }
    }

    #[test]
    fn nesting_is_limited_as_in_serde_json() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        check(&ok);
        for n in [MAX_DEPTH + 1, 10_000, 1_000_000] {
            let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
            let e = parse(&deep).expect_err("too deep");
            assert_eq!(e.code, ErrorCode::RecursionLimitExceeded);
            assert_eq!((e.line, e.column), (1, MAX_DEPTH + 1));
            check(&deep);
        }
        let objects = "{\"a\":".repeat(200);
        check(&objects);
        let mixed = "[{\"a\":".repeat(100);
        check(&mixed);
    }

    #[test]
    fn whole_numbers_stay_exact() {
        for n in [0, 1, (1 << 53) + 1, u64::MAX - 1, u64::MAX] {
            assert_eq!(parse(&n.to_string()).ok().and_then(|v| v.as_u64()), Some(n));
        }
        for n in [-1, i64::MIN, i64::MIN + 1, -(1 << 53) - 1] {
            assert_eq!(parse(&n.to_string()).ok().and_then(|v| v.as_i64()), Some(n));
        }
        assert_eq!(parse("1.0").ok().and_then(|v| v.as_u64()), None);
        assert_eq!(parse("-0").ok().and_then(|v| v.as_i64()), None);
        assert_eq!(parse("0.25").ok().and_then(|v| v.as_f64()), Some(0.25));
    }

    #[test]
    fn strings_are_written_with_serde_jsons_escapes() {
        let mut all: String = (0u8..=0x7f).map(char::from).collect();
        all.push_str("é€🦀\u{7f}\u{2028}");
        for s in [all.as_str(), "", "plain", "\"\\"] {
            for pretty in [false, true] {
                let mut w = Writer::new(pretty);
                w.string(s);
                let text = w.finish();
                assert_eq!(text, serde_json::to_string(s).expect("text"));
                assert_eq!(parse(&text), Ok(Value::String(s.to_string())));
            }
        }
    }

    #[test]
    fn nested_values_are_written_as_serde_json_writes_them() {
        let theirs = serde_json::json!({
            "a": [],
            "b": {},
            "c": [1, [2, {"d": null}], {}],
            "e": {"f": [true, false], "g": -5, "h": u64::MAX}
        });
        let write = |w: &mut Writer| {
            w.begin_object();
            w.key("a");
            w.begin_array();
            w.end_array();
            w.key("b");
            w.begin_object();
            w.end_object();
            w.key("c");
            w.begin_array();
            w.item();
            w.u64(1);
            w.item();
            w.begin_array();
            w.item();
            w.u64(2);
            w.item();
            w.begin_object();
            w.key("d");
            w.null();
            w.end_object();
            w.end_array();
            w.item();
            w.begin_object();
            w.end_object();
            w.end_array();
            w.key("e");
            w.begin_object();
            w.key("f");
            w.begin_array();
            w.item();
            w.bool(true);
            w.item();
            w.bool(false);
            w.end_array();
            w.key("g");
            w.i64(-5);
            w.key("h");
            w.u64(u64::MAX);
            w.end_object();
            w.end_object();
        };
        for pretty in [false, true] {
            let mut w = Writer::new(pretty);
            write(&mut w);
            let expected = if pretty {
                serde_json::to_string_pretty(&theirs)
            } else {
                serde_json::to_string(&theirs)
            };
            assert_eq!(w.finish(), expected.expect("text"));
        }
    }

    // proptest is a native-only dev-dependency (it does not build for wasm32).
    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::*;
        use proptest::prelude::*;

        fn any_json() -> impl Strategy<Value = serde_json::Value> {
            use serde_json::Value as S;
            let leaf = prop_oneof![
                Just(S::Null),
                any::<bool>().prop_map(S::Bool),
                any::<u64>().prop_map(S::from),
                any::<i64>().prop_map(S::from),
                any::<f64>()
                    .prop_filter("finite", |f| f.is_finite())
                    .prop_map(S::from),
                "\\PC{0,12}".prop_map(S::String),
                any::<String>().prop_map(S::String),
            ];
            leaf.prop_recursive(4, 48, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(S::Array),
                    prop::collection::btree_map("[a-c]{0,2}", inner, 0..6)
                        .prop_map(|m| S::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            /// Valid JSON, written compact or pretty, and every cut-off start of it.
            #[test]
            fn valid_json_and_its_prefixes(value in any_json(), pretty in any::<bool>()) {
                let text = if pretty {
                    serde_json::to_string_pretty(&value)
                } else {
                    serde_json::to_string(&value)
                }
                .expect("text");
                check(&text);
                for (i, _) in text.char_indices() {
                    check(&text[..i]);
                }
            }

            /// Junk made of JSON's own characters.
            #[test]
            fn junk(text in r#"[\[\]{}",:0-9eE+\-. \n\t\\ntrufalsu\u{e9}x]{0,30}"#) {
                check(&text);
            }

            /// Valid JSON with one byte changed, inserted or removed.
            #[test]
            fn mutated_json(
                value in any_json(),
                at in any::<prop::sample::Index>(),
                byte in prop::sample::select(b"[]{}\",:0-9eE+-. \n\\ux".to_vec()),
                how in 0..3u8,
            ) {
                let mut text = serde_json::to_string(&value).expect("text").into_bytes();
                let i = at.index(text.len() + 1);
                match how {
                    0 => text.insert(i, byte),
                    1 if i < text.len() => { text.remove(i); }
                    _ if i < text.len() => text[i] = byte,
                    _ => {}
                }
                if let Ok(text) = String::from_utf8(text) {
                    check(&text);
                }
            }
        }
    }
}
