//! How the sounds in `assets/sounds/` are made: each is synthesized here, and the test
//! checks the shipped files are what this makes (`LIVEWINDOW_BLESS_SOUNDS=1` writes them).

use super::Tone;
use std::f32::consts::TAU;

const RATE: u32 = 44_100;

/// A partial: frequency in Hz, loudness, how fast it dies away (per second).
struct Partial(f32, f32, f32);

/// A struck note starting at `start` seconds: partials under a 5 ms attack and an
/// exponential decay.
fn note(out: &mut [f32], start: f32, partials: &[Partial]) {
    let first = (start * RATE as f32) as usize;
    for (i, s) in out.iter_mut().enumerate().skip(first) {
        let t = (i - first) as f32 / RATE as f32;
        let attack = (t / 0.005).min(1.0);
        for Partial(freq, gain, decay) in partials {
            *s += attack * gain * (-decay * t).exp() * (TAU * freq * t).sin();
        }
    }
}

fn samples(tone: Tone) -> Vec<i16> {
    let seconds = match tone {
        Tone::Chime => 0.9,
        Tone::Bell => 1.2,
        Tone::Pop => 0.12,
        Tone::Knock => 0.35,
    };
    let mut out = vec![0.0f32; (seconds * RATE as f32) as usize];
    match tone {
        // Two notes, high then a fourth lower: "ding-dong".
        Tone::Chime => {
            note(
                &mut out,
                0.0,
                &[Partial(1318.5, 0.5, 6.0), Partial(2637.0, 0.12, 9.0)],
            );
            note(
                &mut out,
                0.22,
                &[Partial(987.8, 0.5, 5.0), Partial(1975.5, 0.12, 8.0)],
            );
        }
        // A small bell: inharmonic partials that die at different rates.
        Tone::Bell => note(
            &mut out,
            0.0,
            &[
                Partial(880.0, 0.45, 3.5),
                Partial(880.0 * 2.76, 0.2, 6.0),
                Partial(880.0 * 5.40, 0.1, 10.0),
            ],
        ),
        // A drop: a quick downward sweep.
        Tone::Pop => {
            let mut phase = 0.0f32;
            for (i, s) in out.iter_mut().enumerate() {
                let t = i as f32 / RATE as f32;
                let freq = 900.0 - 5000.0 * t;
                phase += TAU * freq / RATE as f32;
                *s = 0.6 * (t / 0.003).min(1.0) * (-30.0 * t).exp() * phase.sin();
            }
        }
        // Two soft knocks on wood.
        Tone::Knock => {
            for start in [0.0, 0.15] {
                note(
                    &mut out,
                    start,
                    &[Partial(190.0, 0.6, 40.0), Partial(420.0, 0.25, 60.0)],
                );
            }
        }
    }
    // A 10 ms fade at the end: no click.
    let len = out.len();
    let fade = (RATE / 100) as usize;
    for (k, s) in out[len - fade..].iter_mut().enumerate() {
        *s *= 1.0 - k as f32 / fade as f32;
    }
    out.iter()
        .map(|s| (s.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16)
        .collect()
}

fn wav(samples: &[i16]) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut out, spec).expect("a WAV writer in memory");
    for s in samples {
        w.write_sample(*s).expect("writing to memory");
    }
    w.finalize().expect("writing to memory");
    out.into_inner()
}

#[test]
fn the_shipped_sounds_are_the_ones_made_here() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/sounds");
    for tone in Tone::ALL {
        let made = samples(tone);
        if std::env::var_os("LIVEWINDOW_BLESS_SOUNDS").is_some() {
            std::fs::write(dir.join(tone.file()), wav(&made)).expect("writing assets/sounds");
            continue;
        }
        let shipped = super::player::samples(tone.wav(), 100)
            .unwrap_or_else(|e| panic!("{}: {e}", tone.file()));
        let shipped: Vec<i16> = shipped
            .bytes
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        assert_eq!(shipped.len(), made.len(), "{}: length", tone.file());
        // Within one step: the same recipe on another machine's sin() may round apart.
        let off = made
            .iter()
            .zip(&shipped)
            .filter(|(a, b)| (i32::from(**a) - i32::from(**b)).abs() > 1)
            .count();
        assert_eq!(
            off,
            0,
            "{} differs from its recipe in {off} samples",
            tone.file()
        );
        let peak = made.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        assert!(peak > 8000, "{} is too quiet ({peak})", tone.file());
    }
}
