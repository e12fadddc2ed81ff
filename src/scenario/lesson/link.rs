//! A lesson inside a link, for teachers who cannot put a file on a web site:
//! `?lesson=inline:<code>`, where the code is the lesson's text compressed and written in
//! base64url. (A file name can never start with `inline:`: names with a colon are refused.)
//!
//! The compression is a small LZ77 of our own rather than a deflate crate: lesson files repeat
//! their keywords and phrases line after line, which back-references catch, and the encoder and
//! decoder together cost the page less than a kilobyte. The code starts with a format byte, so a
//! better one can come later without breaking links already given out.

use crate::scenario::share::{base64url_decode, base64url_encode};

/// What starts the `lesson` parameter of a link that carries its lesson.
pub const INLINE_PREFIX: &str = "inline:";

/// The format byte of the code below.
const FORMAT_LZ1: u8 = 1;
/// Matches are 3 to 130 bytes long, literal runs 1 to 128.
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 130;
const MAX_LITERALS: usize = 128;
/// How far back a match may reach (the whole of a lesson, whose size is limited).
const WINDOW: usize = 1 << 16;
/// Text that every lesson is likely to repeat, as if it came before the lesson: a lesson's
/// first `until` or `highlight` is then already a back-reference (a preset dictionary, as
/// deflate and zstd have). Part of format 1: changing it needs a new format byte.
const DICTIONARY: &[u8] = b"title \nid \nservers \nseed \ntimeout A \ntimeout B \ntimeout C  ms\n\
# the lesson format (docs/lessons.md)\nquestion Which server \nclick server\nright leader\n\
choice Yes\nchoice No\nright if \nright unless \nexplain \nstep\nsay The leader \
sends the entry to a majority of the servers and the client. \ndo send SET  to leader\n\
do stop \ndo restart \ndo partition \ndo heal\nuntil after  ms\nuntil value  everywhere\n\
until entry  committed everywhere\nuntil client 1 answered\nuntil leader elected\n\
until  is leader\nhighlight messages RequestVote RequestVoteReply AppendEntries \
AppendEntriesReply\nhighlight entry  on \nhighlight ";

/// The lesson's text as the code of a link: `inline:` and what follows it.
pub fn encode(text: &str) -> String {
    format!(
        "{INLINE_PREFIX}{}",
        base64url_encode(&compress(text.as_bytes()))
    )
}

/// The lesson's text from a link's code (the part after `inline:`), or `None` when the code is
/// not one this version wrote (cut short, mistyped, another format).
pub fn decode(code: &str) -> Option<String> {
    let bytes = base64url_decode(code).ok()?;
    let (&format, body) = bytes.split_first()?;
    if format != FORMAT_LZ1 {
        return None;
    }
    // The text's length comes first, so that a link cut short is found out, not half-read.
    let (length, body) = read_number(body)?;
    let text = decompress(body, super::MAX_LESSON_BYTES)?;
    (text.len() == length).then_some(())?;
    String::from_utf8(text).ok()
}

/// Writes `n` as a little-endian base-128 number (7 bits a byte, the high bit for "more").
fn write_number(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        out.push(if n == 0 { low } else { low | 0x80 });
        if n == 0 {
            return;
        }
    }
}

/// Reads a number [`write_number`] wrote (at most three bytes: under 2^21) and what follows it.
fn read_number(input: &[u8]) -> Option<(usize, &[u8])> {
    let mut n = 0usize;
    for (i, &byte) in input.iter().enumerate().take(3) {
        n |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((n, &input[i + 1..]));
        }
    }
    None
}

/// Greedy LZ77: at each position the longest earlier match of at least [`MIN_MATCH`] bytes
/// (found through a table of the last position of each 3-byte hash), else a literal.
/// After the format byte and the text's length, tokens: a byte `n < 128` then `n + 1` literal
/// bytes; a byte `128 + (len - 3)` then the distance back (numbers as in [`write_number`]).
fn compress(text: &[u8]) -> Vec<u8> {
    let mut out = vec![FORMAT_LZ1];
    write_number(&mut out, text.len());
    // The text after the dictionary, coded from where the dictionary ends.
    let input = [DICTIONARY, text].concat();
    let mut last_at = vec![usize::MAX; 1 << 12];
    let hash = |i: usize| {
        let h = u32::from(input[i]) << 16 | u32::from(input[i + 1]) << 8 | u32::from(input[i + 2]);
        (h.wrapping_mul(2_654_435_761) >> 20) as usize
    };
    for j in 0..DICTIONARY.len() - MIN_MATCH + 1 {
        last_at[hash(j)] = j;
    }
    let mut literals: Vec<u8> = Vec::new();
    let flush = |out: &mut Vec<u8>, literals: &mut Vec<u8>| {
        for run in literals.chunks(MAX_LITERALS) {
            out.push((run.len() - 1) as u8);
            out.extend_from_slice(run);
        }
        literals.clear();
    };
    let mut i = DICTIONARY.len();
    while i < input.len() {
        let mut best = (0, 0);
        if i + MIN_MATCH <= input.len() {
            let h = hash(i);
            let candidate = last_at[h];
            last_at[h] = i;
            if candidate != usize::MAX && i - candidate <= WINDOW {
                let len = (0..MAX_MATCH.min(input.len() - i))
                    .take_while(|&k| input[candidate + k] == input[i + k])
                    .count();
                if len >= MIN_MATCH {
                    best = (len, i - candidate);
                }
            }
        }
        let (len, distance) = best;
        if len == 0 {
            literals.push(input[i]);
            i += 1;
            continue;
        }
        flush(&mut out, &mut literals);
        out.push(128 + (len - MIN_MATCH) as u8);
        write_number(&mut out, distance);
        // Remember the positions inside the match too, so later text finds them.
        for j in i + 1..(i + len).min(input.len().saturating_sub(MIN_MATCH - 1)) {
            last_at[hash(j)] = j;
        }
        i += len;
    }
    flush(&mut out, &mut literals);
    out
}

/// The inverse of [`compress`], refusing (not panicking on) anything malformed, and output
/// longer than `limit`.
fn decompress(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = DICTIONARY.to_vec();
    let mut i = 0;
    while let Some(&token) = input.get(i) {
        i += 1;
        if token < 128 {
            let run = input.get(i..i + usize::from(token) + 1)?;
            out.extend_from_slice(run);
            i += run.len();
        } else {
            let len = usize::from(token - 128) + MIN_MATCH;
            let (distance, rest) = read_number(&input[i..])?;
            i = input.len() - rest.len();
            let start = out.len().checked_sub(distance).filter(|_| distance > 0)?;
            for k in 0..len {
                out.push(out[start + k]);
            }
        }
        if out.len() > limit + DICTIONARY.len() {
            return None;
        }
    }
    Some(out.split_off(DICTIONARY.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_lesson_travels_in_a_link_and_comes_back_whole() {
        for text in crate::scenario::lesson::BUILT_IN {
            let code = encode(text);
            let back = decode(code.strip_prefix(INLINE_PREFIX).expect("prefixed"));
            assert_eq!(back.as_deref(), Some(text));
            // Lessons repeat themselves: a quarter or more goes, and the link, base64 and all,
            // is shorter than the text.
            let packed = compress(text.as_bytes()).len();
            assert!(packed * 4 < text.len() * 3, "{} -> {packed}", text.len());
            assert!(code.len() < text.len(), "{} -> {}", text.len(), code.len());
        }
    }

    #[test]
    fn odd_texts_round_trip() {
        for text in ["", "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "é 🦀 → ≤", &"say one two\n".repeat(2000)] {
            let code = encode(text);
            assert_eq!(decode(&code[INLINE_PREFIX.len()..]).as_deref(), Some(text));
        }
    }

    #[test]
    fn broken_codes_are_refused_not_panicked_on() {
        let code = encode("title T\nstep\nsay Hello, hello, hello.\n");
        let body = &code[INLINE_PREFIX.len()..];
        // Cut anywhere, a link is refused: its length says what is missing.
        for cut in 0..body.len() {
            assert_eq!(decode(&body[..cut]), None, "cut at {cut}");
        }
        assert_eq!(decode("!!!"), None);
        assert_eq!(
            decode(&base64url_encode(&[9, 1, 2])),
            None,
            "another format"
        );
        // A back-reference before the start (of the dictionary), and one of distance 0.
        assert_eq!(decompress(&[128, 0xff, 0x7f], 100), None);
        assert_eq!(decompress(&[0, b'a', 128, 0], 100), None);
        // Output past the limit.
        assert_eq!(decompress(&[0, b'a', 255, 1, 255, 1], 100), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_round_trips(text in "(say |do |step\n|[a-z ]{0,12}|\u{e9}){0,200}") {
            let code = encode(&text);
            proptest::prop_assert_eq!(decode(&code[INLINE_PREFIX.len()..]), Some(text));
        }

        #[test]
        fn any_bytes_decode_without_panicking(bytes in proptest::collection::vec(0u8.., 0..300)) {
            let _ = decompress(&bytes, 1000);
        }
    }
}
