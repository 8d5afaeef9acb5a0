//! Zoom: the whole console larger or smaller, in steps from 75% to 200% (Ctrl+= and Ctrl+-,
//! Ctrl+0 back to 100%), remembered per agent in their session file.

/// The steps, in percent.
pub const STEPS: [u16; 8] = [75, 90, 100, 110, 125, 150, 175, 200];

pub const NORMAL: u16 = 100;

/// The next step up (`larger`) or down from `now`; a value between steps goes to the
/// nearest step in that direction.
pub fn step(now: u16, larger: bool) -> u16 {
    let now = clamp(now);
    if larger {
        STEPS.iter().copied().find(|s| *s > now).unwrap_or(now)
    } else {
        STEPS
            .iter()
            .rev()
            .copied()
            .find(|s| *s < now)
            .unwrap_or(now)
    }
}

/// A remembered value kept within the range (a hand-edited file may hold anything).
pub fn clamp(percent: u16) -> u16 {
    percent.clamp(STEPS[0], STEPS[STEPS.len() - 1])
}

/// Ctrl+=, Ctrl++ (either key), Ctrl+- and Ctrl+0: what the key does to the zoom.
pub fn key(c: char, now: u16) -> Option<u16> {
    match c {
        '=' | '+' => Some(step(now, true)),
        '-' | '_' => Some(step(now, false)),
        '0' => Some(NORMAL),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_from_75_to_200_and_stop_there() {
        let mut z = NORMAL;
        let mut up = vec![];
        while step(z, true) != z {
            z = step(z, true);
            up.push(z);
        }
        assert_eq!(up, [110, 125, 150, 175, 200]);
        assert_eq!(step(100, false), 90);
        assert_eq!(step(90, false), 75);
        assert_eq!(step(75, false), 75);
        assert_eq!(step(130, true), 150);
        assert_eq!(step(130, false), 125);
        assert_eq!(clamp(10), 75);
        assert_eq!(clamp(900), 200);
        assert_eq!(key('0', 175), Some(100));
        assert_eq!(key('=', 100), Some(110));
        assert_eq!(key('-', 100), Some(90));
        assert_eq!(key('x', 100), None);
    }
}
