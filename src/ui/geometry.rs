//! Where things are drawn: node positions on the ring and points along a message's path.
//!
//! Pure arithmetic, no web types, so it is unit-tested natively.

use crate::decimal::fixed;
/// The side of the square SVG view box the cluster is drawn in, in user units.
pub const VIEW_SIZE: f64 = 400.0;

/// A point in the SVG's user units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Horizontal position, growing to the right.
    pub x: f64,
    /// Vertical position, growing downwards.
    pub y: f64,
}

/// The radius of a node's circle; smaller when many nodes share the ring so they never overlap.
pub fn node_radius(node_count: usize) -> f64 {
    match node_count {
        0..=5 => 34.0,
        6..=7 => 30.0,
        _ => 26.0,
    }
}

/// How far below a node's centre, beyond its radius, its two lines of labels (role, and what it
/// is doing) reach.
pub const LABELS_BELOW: f64 = 44.0;

/// The radius of the ring the nodes sit on.
pub fn ring_radius(node_count: usize) -> f64 {
    // Leave room for the node circle, its timer arc and its labels outside the ring.
    VIEW_SIZE / 2.0 - node_radius(node_count) - 30.0
}

/// The centre of the ring: a little above the middle of the view, because a node's labels hang
/// below it, so the lowest node needs more room underneath than the highest needs above.
pub fn ring_centre() -> Point {
    Point {
        x: VIEW_SIZE / 2.0,
        y: VIEW_SIZE / 2.0 - 14.0,
    }
}

/// The centre of node `index` out of `node_count`, starting at the top and going clockwise.
/// A single node sits in the middle.
pub fn node_position(index: usize, node_count: usize) -> Point {
    let centre = ring_centre();
    if node_count <= 1 {
        return centre;
    }
    let angle =
        -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * (index as f64) / (node_count as f64);
    let r = ring_radius(node_count);
    let (sin, cos) = sin_cos(angle);
    Point {
        x: centre.x + r * cos,
        y: centre.y + r * sin,
    }
}

/// How far a message has travelled, from 0 at its send time to 1 at its delivery time.
pub fn progress(sent_at: u64, deliver_at: u64, now: u64) -> f64 {
    if deliver_at <= sent_at {
        return 1.0;
    }
    let done = now.saturating_sub(sent_at) as f64 / (deliver_at - sent_at) as f64;
    done.clamp(0.0, 1.0)
}

/// The point a fraction `t` of the way from `from` to `to`, trimmed so that a message starts and
/// ends at the edge of the node circles rather than their centres.
pub fn along(from: Point, to: Point, t: f64, trim: f64) -> Point {
    let dx = to.x - from.x;
    let dy = to.y - from.y;
    let length = (dx * dx + dy * dy).sqrt();
    if length <= 2.0 * trim {
        return from;
    }
    let (ux, uy) = (dx / length, dy / length);
    let start = Point {
        x: from.x + ux * trim,
        y: from.y + uy * trim,
    };
    let travel = length - 2.0 * trim;
    Point {
        x: start.x + ux * travel * t,
        y: start.y + uy * travel * t,
    }
}

/// Sine and cosine of `angle`: the browser's `Math.sin`/`Math.cos` on the web, std's natively.
/// Rust's own (libm, with its argument reduction) would add about 7 KB to the wasm bundle, and
/// a drawing needs no bit-exact results.
#[cfg(target_arch = "wasm32")]
fn sin_cos(angle: f64) -> (f64, f64) {
    (js_sys::Math::sin(angle), js_sys::Math::cos(angle))
}

/// Sine and cosine of `angle` (natively: std's).
#[cfg(not(target_arch = "wasm32"))]
fn sin_cos(angle: f64) -> (f64, f64) {
    angle.sin_cos()
}

/// An SVG path for an arc around `centre` covering `fraction` (0..=1) of a full turn, starting at
/// the top and going clockwise. Used for the election-timer ring.
pub fn arc_path(centre: Point, radius: f64, fraction: f64) -> String {
    let fraction = fraction.clamp(0.0, 0.9999);
    let start_angle = -std::f64::consts::FRAC_PI_2;
    let end_angle = start_angle + std::f64::consts::TAU * fraction;
    let point_at = |angle: f64| {
        let (sin, cos) = sin_cos(angle);
        (centre.x + radius * cos, centre.y + radius * sin)
    };
    let (sx, sy) = point_at(start_angle);
    let (ex, ey) = point_at(end_angle);
    let large_arc = if fraction > 0.5 { 1 } else { 0 };
    let [sx, sy, radius, ex, ey] = [sx, sy, radius, ex, ey].map(|v| fixed(v, 2));
    format!("M {sx} {sy} A {radius} {radius} 0 {large_arc} 1 {ex} {ey}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: Point, b: Point) -> f64 {
        ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
    }

    #[test]
    fn nodes_on_the_ring_never_overlap_and_stay_inside_the_view() {
        for n in 1..=9 {
            let r = node_radius(n);
            let points: Vec<Point> = (0..n).map(|i| node_position(i, n)).collect();
            for (i, a) in points.iter().enumerate() {
                assert!(a.x - r >= 0.0 && a.x + r <= VIEW_SIZE, "n={n} node {i} x");
                // The timer ring (6 beyond the circle) above, the two label lines below.
                assert!(a.y - r - 8.0 >= 0.0, "n={n} node {i} top");
                assert!(a.y + r + LABELS_BELOW <= VIEW_SIZE, "n={n} node {i} labels");
                for b in &points[i + 1..] {
                    assert!(distance(*a, *b) > 2.0 * r + 8.0, "n={n} nodes overlap");
                }
            }
        }
    }

    #[test]
    fn progress_is_clamped_and_monotonic() {
        assert_eq!(progress(100, 200, 50), 0.0);
        assert_eq!(progress(100, 200, 150), 0.5);
        assert_eq!(progress(100, 200, 250), 1.0);
        assert_eq!(progress(100, 100, 100), 1.0);
    }

    #[test]
    fn along_starts_and_ends_at_the_circle_edges() {
        let a = Point { x: 0.0, y: 0.0 };
        let b = Point { x: 100.0, y: 0.0 };
        assert_eq!(along(a, b, 0.0, 10.0), Point { x: 10.0, y: 0.0 });
        assert_eq!(along(a, b, 1.0, 10.0), Point { x: 90.0, y: 0.0 });
    }
}
