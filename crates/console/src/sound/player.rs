//! Plays the sounds on the desktop's audio server (PulseAudio, or PipeWire's PulseAudio
//! service) through a pure-Rust client of its protocol, on a thread of its own, so the
//! window never waits for audio. No audio server means silence and one log line.

use super::Play;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long after a failed connection the next sound tries again.
const RETRY: Duration = Duration::from_secs(30);

/// Hands sounds to the playing thread; made when the first sound plays.
pub struct Player {
    tx: mpsc::Sender<Play>,
}

impl Player {
    pub fn new() -> Player {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("sounds".into())
            .spawn(move || play_all(rx));
        if let Err(e) = spawned {
            tracing::info!("sounds are off: no thread for them ({e})");
        }
        Player { tx }
    }

    pub fn play(&self, p: Play) {
        // The thread ends only with the player.
        let _ = self.tx.send(p);
    }
}

impl Default for Player {
    fn default() -> Self {
        Player::new()
    }
}

/// A sound ready for the stream: 16-bit little-endian mono samples at `rate`.
pub struct Pcm {
    pub rate: u32,
    pub bytes: Vec<u8>,
}

/// Reads a 16-bit mono WAV file and scales it to `volume` percent.
pub fn samples(wav: &[u8], volume: u8) -> Result<Pcm, PlayError> {
    let reader = hound::WavReader::new(std::io::Cursor::new(wav)).map_err(PlayError::File)?;
    let spec = reader.spec();
    if spec.channels != 1 || spec.bits_per_sample != 16 {
        return Err(PlayError::File(hound::Error::Unsupported));
    }
    let scale = f32::from(volume.min(100)) / 100.0;
    let mut bytes = Vec::with_capacity(reader.len() as usize * 2);
    for s in reader.into_samples::<i16>() {
        let s = s.map_err(PlayError::File)?;
        // Scaling down never leaves i16's range.
        let v = (f32::from(s) * scale).round() as i16;
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    Ok(Pcm {
        rate: spec.sample_rate,
        bytes,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum PlayError {
    #[error("no audio server (PulseAudio or PipeWire) can be reached")]
    NoServer,
    #[error("the audio server refused the sound: {0}")]
    Server(String),
    #[error("the sound file cannot be read: {0}")]
    File(hound::Error),
}

fn play_all(rx: mpsc::Receiver<Play>) {
    let mut server: Option<imp::Server> = None;
    let mut last_try: Option<Instant> = None;
    let mut told = false;
    for p in rx {
        if server.is_none() && last_try.is_none_or(|t| t.elapsed() >= RETRY) {
            last_try = Some(Instant::now());
            match imp::Server::connect() {
                Ok(s) => server = Some(s),
                Err(e) if !told => {
                    tracing::info!("sounds are on but {e}: the console stays silent");
                    told = true;
                }
                Err(_) => {}
            }
        }
        if let Some(s) = &server
            && let Err(e) = s.play(p)
        {
            tracing::info!("a sound did not play: {e}");
            server = None;
        }
    }
}

/// Plays one sound to its end on the audio server the environment names (the test under
/// PulseAudio's null sink calls this).
pub fn play_now(p: Play) -> Result<(), PlayError> {
    imp::Server::connect()?.play(p)
}

#[cfg(unix)]
mod imp {
    use super::{Play, PlayError, samples};
    use pulseaudio::{AsPlaybackSource, Client, protocol};

    pub struct Server(Client);

    impl Server {
        pub fn connect() -> Result<Server, PlayError> {
            match Client::from_env(c"Live Window") {
                Ok(c) => Ok(Server(c)),
                Err(pulseaudio::ClientError::ServerUnavailable) => Err(PlayError::NoServer),
                Err(e) => Err(PlayError::Server(e.to_string())),
            }
        }

        pub fn play(&self, p: Play) -> Result<(), PlayError> {
            let pcm = samples(p.tone.wav(), p.volume)?;
            let params = protocol::PlaybackStreamParams {
                sample_spec: protocol::SampleSpec {
                    format: protocol::SampleFormat::S16Le,
                    channels: 1,
                    sample_rate: pcm.rate,
                },
                channel_map: protocol::ChannelMap::mono(),
                cvolume: Some(protocol::ChannelVolume::norm(1)),
                sink_name: Some(protocol::DEFAULT_SINK.to_owned()),
                ..Default::default()
            };
            let bytes = pcm.bytes;
            let mut at = 0;
            // Returning 0 ends the stream.
            let source = move |buf: &mut [u8]| {
                let n = buf.len().min(bytes.len() - at);
                buf[..n].copy_from_slice(&bytes[at..at + n]);
                at += n;
                n
            };
            let server = |e: pulseaudio::ClientError| PlayError::Server(e.to_string());
            futures::executor::block_on(async {
                let stream = self
                    .0
                    .create_playback_stream(params, source.as_playback_source())
                    .await
                    .map_err(server)?;
                stream.play_all().await.map_err(server)?;
                stream.delete().await.map_err(server)
            })
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use super::{Play, PlayError};

    pub struct Server;

    impl Server {
        pub fn connect() -> Result<Server, PlayError> {
            Err(PlayError::NoServer)
        }

        pub fn play(&self, _p: Play) -> Result<(), PlayError> {
            Err(PlayError::NoServer)
        }
    }
}
