//! Blobs and Files, read in slices while they are hashed: what they hold in wasm memory at
//! once, and the source that reads them.

use super::*;

/// Bytes of `sha256`'s input in wasm memory at once: the arrays and strings, copied whole,
/// and of the Blobs, the slices being hashed and read ahead, for as many Blobs as there are
/// threads to hash them at once.
pub(super) fn resident_while_hashed(items: &[Bytes]) -> u64 {
    let mut slices: Vec<u64> = items
        .iter()
        .filter(|item| matches!(item, Bytes::Blob(..)))
        .map(|blob| blob.len().min(SLICES_PER_BLOB * STREAM_SLICE))
        .collect();
    slices.sort_unstable_by(|a, b| b.cmp(a));
    let hashing_at_once = crate::engine::pool::ready_threads().unwrap_or(1).max(1);
    let copied: u64 = items
        .iter()
        .filter(|item| !matches!(item, Bytes::Blob(..)))
        .map(Bytes::len)
        .sum();
    copied + slices.iter().take(hashing_at_once).sum::<u64>()
}

/// Slices of a Blob in memory at once while it is hashed: with threads, the one being hashed
/// and the next, read meanwhile; without, the one being hashed.
#[cfg(target_feature = "atomics")]
pub(super) const SLICES_PER_BLOB: u64 = 2;
#[cfg(not(target_feature = "atomics"))]
pub(super) const SLICES_PER_BLOB: u64 = 1;

/// `sha256`'s messages: arrays and strings copied into wasm memory, Blobs read slice by slice
/// as they are hashed (never whole): with threads, by a pool thread as it hashes
/// ([`blob_source::BlobSource`]); without (an isolated worker), here, each slice hashed as it
/// arrives.
pub(super) async fn messages(items: Vec<Bytes>) -> Result<Vec<Message>, Failure> {
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        out.push(match item {
            Bytes::View(view) => Message::Bytes(copied(&view, view.length() as usize)?),
            Bytes::Text(text) => Message::Bytes(text.into_bytes()),
            #[cfg(target_feature = "atomics")]
            Bytes::Blob(blob, size) => Message::Streamed(std::sync::Arc::new(
                blob_source::BlobSource::new(blob, size as u64, index),
            )),
            #[cfg(not(target_feature = "atomics"))]
            Bytes::Blob(blob, size) => {
                let mut stream = crate::kernels::sha256::Stream::new();
                let mut start = 0.0;
                while start < size {
                    let end = (start + STREAM_SLICE as f64).min(size);
                    let slice = read_slice(&blob, start, end)
                        .await
                        .map_err(|thrown| blob_failed(index, thrown))?;
                    stream.update(&slice.to_vec());
                    start = end;
                }
                Message::Hashed(stream.finish(), size as u64)
            }
        });
    }
    Ok(out)
}

/// A Blob that pool threads read slice by slice as they hash it.
#[cfg(target_feature = "atomics")]
pub(super) mod blob_source {
    use std::ops::Range;
    use std::sync::{Arc, Mutex, PoisonError};

    use futures_channel::mpsc::{unbounded, UnboundedSender};
    use futures_util::StreamExt;
    use wasm_bindgen::JsValue;

    use super::{read_slice, STREAM_SLICE};
    use crate::kernels::sha256::Source;
    use crate::sync::Mailbox;
    use crate::Error;

    /// A slice's bytes, or why they could not be read.
    type Slice = Result<Vec<u8>, String>;

    /// Where a slice's bytes arrive: the page's thread puts them in without ever waiting
    /// (a `Mailbox`, not a channel, whose `send` may wait on a lock), the hashing thread
    /// waits for them.
    type Receiver = Arc<Mailbox<Slice>>;

    /// The page's end of a request: answered once; dropped unanswered (the reading task
    /// ended), it tells the waiting thread that no bytes will come.
    struct Reply(Receiver);

    impl Reply {
        fn send(self, slice: Slice) {
            // A hashing thread that died holding the lock is a crashed engine: nothing waits.
            let _ = self.0.put(slice);
        }
    }

    impl Drop for Reply {
        fn drop(&mut self) {
            self.0.close();
        }
    }

    /// A pool thread's request for bytes `start..end`, answered through `reply`.
    struct Request {
        start: u64,
        end: u64,
        reply: Reply,
    }

    /// The Blob stays on the page's thread (JS values cannot cross threads): a task there
    /// reads the slices the hashing thread asks for and sends their bytes over. The hashing
    /// thread waits for a slice (a pool thread may wait; the page's thread never does), and
    /// asks for the next one before it hashes this one, so reading and hashing overlap.
    pub(super) struct BlobSource {
        size: u64,
        index: usize,
        requests: UnboundedSender<Request>,
        /// The slice asked for ahead: its start, and where its bytes will arrive.
        ahead: Mutex<Option<(u64, Receiver)>>,
    }

    impl BlobSource {
        /// Starts the reading task for `blob` of `size` bytes, item `index` of the input. It
        /// ends when the source is dropped (with the job).
        pub(super) fn new(blob: JsValue, size: u64, index: usize) -> BlobSource {
            let (requests, mut incoming) = unbounded::<Request>();
            wasm_bindgen_futures::spawn_local(async move {
                while let Some(Request { start, end, reply }) = incoming.next().await {
                    let slice = read_slice(&blob, start as f64, end as f64)
                        .await
                        .map(|bytes| bytes.to_vec())
                        .map_err(|thrown| crate::web::convert::js_error_message(&thrown));
                    // The thread may have stopped waiting (the job was cancelled).
                    reply.send(slice);
                }
            });
            BlobSource {
                size,
                index,
                requests,
                ahead: Mutex::new(None),
            }
        }

        fn request(&self, range: Range<u64>) -> Result<Receiver, Error> {
            let receiver = Arc::new(Mailbox::new());
            self.requests
                .unbounded_send(Request {
                    start: range.start,
                    end: range.end,
                    reply: Reply(Arc::clone(&receiver)),
                })
                .map_err(|_| self.gone())?;
            Ok(receiver)
        }

        fn gone(&self) -> Error {
            Error::invalid(format!(
                "input[{}]: the page stopped reading the Blob while it was hashed",
                self.index
            ))
            .with_param("input")
        }
    }

    impl Source for BlobSource {
        fn len(&self) -> u64 {
            self.size
        }

        fn read(&self, range: Range<u64>) -> Result<Vec<u8>, Error> {
            if rayon::current_thread_index().is_none() {
                // Waiting here would block the thread that reads the Blob.
                return Err(Error::invalid(format!(
                    "input[{}]: a Blob is hashed on the pool's threads only",
                    self.index
                )));
            }
            let mut ahead = self.ahead.lock().unwrap_or_else(PoisonError::into_inner);
            let receiver = match ahead.take().filter(|(start, _)| *start == range.start) {
                Some((_, receiver)) => receiver,
                None => self.request(range.clone())?,
            };
            if range.end < self.size {
                let next = range.end..(range.end + STREAM_SLICE).min(self.size);
                *ahead = Some((next.start, self.request(next)?));
            }
            drop(ahead);
            match receiver.take() {
                Some(Ok(bytes)) => Ok(bytes),
                Some(Err(message)) => Err(Error::invalid(format!(
                    "input[{}]: the Blob could not be read ({message}); a File removed or \
                     changed on disk since it was picked reads this way",
                    self.index
                ))
                .with_param("input")),
                None => Err(self.gone()),
            }
        }
    }
}

pub(super) async fn read_slice(
    blob: &JsValue,
    start: f64,
    end: f64,
) -> Result<Uint8Array, JsValue> {
    let promise = read_blob(blob, start, end)?;
    Ok(JsFuture::from(promise).await?.unchecked_into())
}

pub(super) fn blob_failed(index: usize, thrown: JsValue) -> Failure {
    Failure::caused_by(
        Error::invalid(format!(
            "input[{index}]: the Blob could not be read ({}); err.cause is the browser's error \
             (a File removed or changed on disk since it was picked reads this way)",
            crate::web::convert::js_error_message(&thrown)
        ))
        .with_param("input"),
        thrown,
    )
}
