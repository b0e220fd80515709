// /perf/1.0.0 (libp2p/specs perf/perf.md) and the benchmark steps of `peer.mjs dial`, for js-libp2p 3.x.
//
// @libp2p/perf is not served by the npm registry these builds use, so this module implements the protocol on
// the stream API js-libp2p 3.x gives to handlers: the client sends an 8-byte big-endian count of the bytes it
// wants back, then its upload, then closes its writing side; the server drains the upload to end of stream,
// sends the requested bytes and closes.
//
// Benchmark options of `peer.mjs dial` (all optional; each step runs after the connections are open):
//   --perf-streams S --perf-upload B --perf-download B   S parallel perf streams spread over the connections,
//                                                        each uploading B and asking for B back; the upload
//                                                        and download phases are timed separately
//   --stream-pings N      N 32-byte round trips on one /ipfs/ping/1.0.0 stream (after 20 unmeasured ones)
//   --setup N             N new connections one after another, each with one negotiated stream, then closed
//   --idle N              N more connections held idle; memory of this process before and after (after GC
//                         when node runs with --expose-gc)
// The results go into the dial JSON under `perf`, `streamPing`, `setup` and `idle`.

export const PERF_PROTOCOL = '/perf/1.0.0'
const PING_PROTOCOL = '/ipfs/ping/1.0.0'
const CHUNK = 64 * 1024
const ZEROS = new Uint8Array(CHUNK)
const MAX_DOWNLOAD = 2 ** 40

/** Registers the perf server on `node`. */
export async function handlePerf (node) {
  await node.handle(PERF_PROTOCOL, servePerf, { maxInboundStreams: 512, maxOutboundStreams: 512 })
}

async function servePerf (stream) {
  try {
    const header = new Uint8Array(8)
    let have = 0
    for await (const chunk of stream) {
      if (have < 8) {
        const bytes = chunk.subarray()
        const take = Math.min(8 - have, bytes.byteLength)
        header.set(bytes.subarray(0, take), have)
        have += take
      }
    }
    if (have < 8) throw new Error(`perf request ended after ${have} of 8 header bytes`)
    const wanted = new DataView(header.buffer).getBigUint64(0, false)
    if (wanted > BigInt(MAX_DOWNLOAD)) throw new Error(`perf request for ${wanted} bytes is over the limit`)
    await sendZeros(stream, Number(wanted))
    await stream.close()
  } catch (err) {
    stream.abort(err)
  }
}

async function sendZeros (stream, count, signal) {
  for (let sent = 0; sent < count;) {
    const n = Math.min(CHUNK, count - sent)
    if (!stream.send(n === CHUNK ? ZEROS : ZEROS.subarray(0, n))) {
      await stream.onDrain({ signal })
    }
    sent += n
  }
}

/** One perf exchange on a new stream of `conn`: { uploadMs, downloadMs, received }. */
export async function perfOnce (conn, upload, download, signal) {
  const stream = await conn.newStream(PERF_PROTOCOL, { signal })
  const started = performance.now()
  let received = 0
  const reading = (async () => {
    for await (const chunk of stream) received += chunk.byteLength
  })()
  const header = new Uint8Array(8)
  new DataView(header.buffer).setBigUint64(0, BigInt(download), false)
  if (!stream.send(header)) await stream.onDrain({ signal })
  await sendZeros(stream, upload, signal)
  await stream.close({ signal })
  const uploaded = performance.now()
  await reading
  const done = performance.now()
  if (received !== download) throw new Error(`perf server sent ${received} bytes, ${download} were asked for`)
  return { uploadMs: uploaded - started, downloadMs: done - uploaded, received }
}

/** Parses one benchmark option into `options`; returns false when `name` is not one of them. */
export function perfOption (name, value, options, intOption) {
  switch (name) {
    case '--perf-streams': options.perfStreams = intOption(name, value, 1, 256); return true
    case '--perf-upload': options.perfUpload = intOption(name, value, 0, 2 ** 40); return true
    case '--perf-download': options.perfDownload = intOption(name, value, 0, 2 ** 40); return true
    case '--stream-pings': options.streamPings = intOption(name, value, 0, 1_000_000); return true
    case '--setup': options.setup = intOption(name, value, 0, 100_000); return true
    case '--idle': options.idle = intOption(name, value, 0, 900); return true
    default: return false
  }
}

function percentile (sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

function memory () {
  globalThis.gc?.()
  globalThis.gc?.()
  const m = process.memoryUsage()
  return m.heapUsed + m.external
}

/** Runs the requested benchmark steps, adding their results to `result`. */
export async function runPerfSteps (node, conns, target, options, signal, result) {
  if ((options.perfStreams ?? 0) > 0) {
    const streams = options.perfStreams
    const up = options.perfUpload ?? 0
    const down = options.perfDownload ?? 0
    const cpu0 = process.cpuUsage()
    const started = performance.now()
    const runs = await Promise.all(Array.from({ length: streams },
      (_, i) => perfOnce(conns[i % conns.length], up, down, signal)))
    const cpu = process.cpuUsage(cpu0)
    result.perf = {
      streams,
      connections: conns.length,
      uploadBytes: up * streams,
      downloadBytes: down * streams,
      // Each phase from the first stream's start to the slowest stream's end of that phase.
      uploadMs: Math.max(...runs.map(r => r.uploadMs)),
      downloadMs: Math.max(...runs.map(r => r.downloadMs)),
      elapsedMs: performance.now() - started,
      cpuMs: (cpu.user + cpu.system) / 1000
    }
  }
  if ((options.streamPings ?? 0) > 0) {
    const stream = await conns[0].newStream(PING_PROTOCOL, { signal })
    const it = stream[Symbol.asyncIterator]()
    const rtts = []
    const body = new Uint8Array(32)
    for (let i = 0; i < options.streamPings + 20; i++) {
      crypto.getRandomValues(body)
      const t0 = performance.now()
      if (!stream.send(body)) await stream.onDrain({ signal })
      let got = 0
      while (got < 32) {
        const next = await it.next()
        if (next.done) throw new Error('ping stream ended')
        got += next.value.byteLength
      }
      if (i >= 20) rtts.push(performance.now() - t0)
    }
    await stream.close({ signal }).catch(() => {})
    rtts.sort((a, b) => a - b)
    result.streamPing = { count: rtts.length, p50Ms: percentile(rtts, 0.5), p99Ms: percentile(rtts, 0.99) }
  }
  if ((options.setup ?? 0) > 0) {
    const started = performance.now()
    for (let i = 0; i < options.setup; i++) {
      const conn = await node.dial(target, { signal, force: true })
      const stream = await conn.newStream(PING_PROTOCOL, { signal })
      stream.abort(new Error('done'))
      await conn.close()
    }
    const seconds = (performance.now() - started) / 1000
    result.setup = { count: options.setup, perSecond: options.setup / seconds }
  }
  if ((options.idle ?? 0) > 0) {
    const before = memory()
    const held = []
    for (let i = 0; i < options.idle; i++) held.push(await node.dial(target, { signal, force: true }))
    await new Promise(resolve => setTimeout(resolve, 500))
    const after = memory()
    result.idle = {
      connections: held.length,
      open: held.filter(c => c.status === 'open').length,
      bytesPerConnection: (after - before) / held.length,
      gc: typeof globalThis.gc === 'function'
    }
  }
}
