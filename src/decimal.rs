//! Decimal text for the few floating-point numbers raftsim shows or reads: drawing coordinates,
//! milliseconds, speeds, percentages.
//!
//! Why not `format!("{:.2}")` and `str::parse::<f64>`: core's float formatting (Grisu with a
//! Dragon4 fallback) and parsing (Eisel-Lemire) add about 13 KB to the wasm bundle, several
//! kilobytes gzipped, and none of these numbers needs more than a few exact decimals. Here the
//! number is scaled to an integer and written with integer formatting.

/// `value` with exactly `places` decimals (at most 9), rounded half away from zero: `fixed(2.345,
/// 1)` is `"2.3"`, `fixed(-0.004, 2)` is `"0.00"`. Not-a-number is written `NaN`; magnitudes too
/// large for the scaled integer are clamped to the largest one (about 1.8e19 / 10^places), far
/// beyond anything drawn or measured here.
pub fn fixed(value: f64, places: usize) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    let places = places.min(9);
    let scale = 10u64.pow(places as u32);
    // `as` saturates, so infinities and huge values clamp instead of wrapping.
    let scaled = (value.abs() * scale as f64).round() as u64;
    let sign = if value < 0.0 && scaled != 0 { "-" } else { "" };
    let (whole, fraction) = (scaled / scale, scaled % scale);
    if places == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction:0places$}")
    }
}

/// `value` with up to six decimals and no trailing zeros: `0.25`, `1`, `0.001`.
pub fn short(value: f64) -> String {
    let text = fixed(value, 6);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Reads a plain decimal number: an optional sign, digits, optionally a point and more digits
/// (`0.25`, `-3`, `.5`, `1.`), at most 18 digits in all. Anything else, such as exponents, `inf`
/// or `NaN`, is `None`. The result is the correctly rounded nearest `f64` whenever the digits
/// without the point fit in 2^53 and there are at most 22 decimals, as with every number the
/// app writes.
pub fn parse(text: &str) -> Option<f64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let count = whole.len() + fraction.len();
    if count == 0 || count > 18 {
        return None;
    }
    let mut mantissa: u64 = 0;
    for byte in whole.bytes().chain(fraction.bytes()) {
        if !byte.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(byte - b'0');
    }
    // One correctly rounded division of two exactly representable numbers.
    let value = mantissa as f64 / 10f64.powi(fraction.len() as i32);
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_to_the_places_asked() {
        assert_eq!(fixed(0.0, 2), "0.00");
        assert_eq!(fixed(2.345, 1), "2.3");
        assert_eq!(fixed(2.35, 1), "2.4");
        assert_eq!(fixed(-1.005, 0), "-1");
        assert_eq!(fixed(-0.004, 2), "0.00");
        assert_eq!(fixed(-12.5, 2), "-12.50");
        assert_eq!(fixed(199.999, 2), "200.00");
        assert_eq!(fixed(0.05, 3), "0.050");
        assert_eq!(fixed(f64::NAN, 1), "NaN");
        assert_eq!(fixed(f64::INFINITY, 0), u64::MAX.to_string());
    }

    #[test]
    fn fixed_agrees_with_core_formatting_away_from_ties() {
        for i in -20_000..20_000 {
            // Sevenths: scaled by any power of ten, a seventh's fraction stays at least 1/14
            // away from one half, so rounding never meets a tie.
            let value = f64::from(i) / 7.0;
            for places in 0..4 {
                let core = format!("{value:.places$}");
                // Core writes "-0.0" for small negative numbers; a zero has no sign here.
                let core = match core.strip_prefix('-') {
                    Some(zero) if zero.bytes().all(|b| b == b'0' || b == b'.') => zero.to_string(),
                    _ => core,
                };
                assert_eq!(fixed(value, places), core, "{value}");
            }
        }
    }

    #[test]
    fn short_trims_trailing_zeros() {
        assert_eq!(short(1.0), "1");
        assert_eq!(short(0.25), "0.25");
        assert_eq!(short(0.001), "0.001");
        assert_eq!(short(10.0), "10");
        assert_eq!(short(-0.5), "-0.5");
    }

    #[test]
    fn parse_reads_plain_decimals_exactly_like_core() {
        for text in [
            "0.25",
            "1",
            "0.001",
            "-3",
            "+7.5",
            ".5",
            "1.",
            "123456.789",
            "0.1",
        ] {
            assert_eq!(parse(text), text.parse::<f64>().ok(), "{text}");
        }
        for text in [
            "",
            "-",
            ".",
            "1e3",
            "inf",
            "NaN",
            "1.2.3",
            " 1",
            "0x10",
            "1234567890123456789",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        for speed in [1.0, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001] {
            assert_eq!(parse(&short(speed)), Some(speed));
        }
    }
}
