//! The page's colours stay apart for readers with the common colour vision deficiencies. Each
//! colour of `styles/main.css` is passed through the simulation of protanopia, deuteranopia and
//! tritanopia of Machado, Oliveira and Fernandes (2009, severity 1, applied to linear sRGB), and
//! the colours that must be told apart (the roles; the kinds of message; two consecutive terms,
//! which sit side by side in the logs) must stay at least ΔE*ab 10 apart (CIE 1976 in CIELAB,
//! D65) in every vision and in both colour schemes. Roles and messages also differ in shape, so
//! this is the second line of defence, not the only one.

const CSS: &str = include_str!("../styles/main.css");
const MIN_DELTA_E: f64 = 10.0;

type Matrix = [[f64; 3]; 3];
const VISIONS: [(&str, Matrix); 4] = [
    (
        "normal",
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
    ),
    (
        "protanopia",
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ],
    ),
    (
        "deuteranopia",
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ],
    ),
    (
        "tritanopia",
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ],
    ),
];

/// The `(light, dark)` values of custom property `--name` (one value for both if it has one).
fn colour(name: &str) -> (String, String) {
    let start = CSS
        .find(&format!("--{name}: "))
        .unwrap_or_else(|| panic!("--{name} not in main.css"));
    let value = CSS[start..].split(';').next().unwrap();
    let hexes: Vec<String> = value
        .match_indices('#')
        .map(|(i, _)| value[i..i + 7].to_string())
        .collect();
    (hexes[0].clone(), hexes.last().unwrap().clone())
}

fn linear(hex: &str) -> [f64; 3] {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    [channel(1), channel(3), channel(5)]
}

fn lab(rgb: [f64; 3]) -> [f64; 3] {
    let [r, g, b] = rgb;
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    [
        116.0 * f(y) - 16.0,
        500.0 * (f(x) - f(y)),
        200.0 * (f(y) - f(z)),
    ]
}

fn seen(hex: &str, m: &Matrix) -> [f64; 3] {
    let v = linear(hex);
    let row = |i: usize| (m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2]).clamp(0.0, 1.0);
    lab([row(0), row(1), row(2)])
}

fn delta_e(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Every pair in `pairs` stays apart in every vision and scheme; returns the closest found.
fn assert_apart(pairs: &[(&str, &str)]) -> f64 {
    let mut closest = f64::MAX;
    for (a, b) in pairs {
        let (ca, cb) = (colour(a), colour(b));
        for (scheme, x, y) in [("light", &ca.0, &cb.0), ("dark", &ca.1, &cb.1)] {
            for (vision, m) in &VISIONS {
                let d = delta_e(seen(x, m), seen(y, m));
                assert!(
                    d >= MIN_DELTA_E,
                    "{a} {x} and {b} {y} are ΔE {d:.1} apart with {vision} ({scheme} scheme)"
                );
                closest = closest.min(d);
            }
        }
    }
    closest
}

fn all_pairs<'a>(names: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut pairs = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            pairs.push((*a, *b));
        }
    }
    pairs
}

#[test]
fn roles_stay_apart_in_every_colour_vision() {
    let closest = assert_apart(&all_pairs(&["follower", "candidate", "leader", "stopped"]));
    println!("roles: closest ΔE {closest:.1}");
}

#[test]
fn kinds_of_message_stay_apart_in_every_colour_vision() {
    let closest = assert_apart(&all_pairs(&["msg-vote", "msg-append", "msg-client"]));
    println!("messages: closest ΔE {closest:.1}");
}

#[test]
fn consecutive_terms_stay_apart_in_every_colour_vision() {
    let names: Vec<String> = (0..8).map(|i| format!("term-{i}")).collect();
    let pairs: Vec<(&str, &str)> = (0..8)
        .map(|i| (names[i].as_str(), names[(i + 1) % 8].as_str()))
        .collect();
    let closest = assert_apart(&pairs);
    println!("terms: closest ΔE {closest:.1}");
}
