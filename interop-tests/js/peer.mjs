// js-libp2p reference peer for Braid's interop tests (driven by interop-tests/src/test/java).
//
//   node peer.mjs listen [--max-lifetime-ms N] [--security noise|tls|noise,tls]
//   node peer.mjs dial <multiaddr>/p2p/<id> [--connections K] [--ping N]
//                      [--echo-streams S --echo-bytes B] [--expect-peer <id>] [--timeout-ms T]
//                      [--security noise|tls|noise,tls]
//                      [benchmark options: see perf.mjs]
//
// --security: the connection encrypters, preferred first (default noise); tls is @libp2p/tls.
//
// listen: prints `LISTEN <multiaddr>/p2p/<peer id>` once ready, then one line per event:
//   `CONNECTED <peer id> <direction> count=<n>`, `DISCONNECTED <peer id> count=<n>` (n = live connections with
//   that peer) and `IDENTIFIED <peer id> <json>` (what the remote said about itself in identify).
//   Exits when stdin closes, on SIGTERM/SIGINT, or after --max-lifetime-ms.
// dial: prints one JSON line with the results and exits 0 when every requested step succeeded, 1 when
//   one failed (the JSON says which), 2 on bad arguments.
// Both modes serve /ipfs/ping/1.0.0, /ipfs/id/1.0.0, /echo/1.0.0 and /perf/1.0.0 (perf.mjs, which also
// documents the benchmark options of dial). Diagnostics go to stderr.
// Everything is bounded: loopback only, every wait has a timeout, every loop has a fixed length.

// First import: js-libp2p 3.x needs Promise.withResolvers (Node 22+), the build machines run Node 20.
import './polyfill.mjs'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { tls } from '@libp2p/tls'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { setMaxListeners } from 'node:events'
import { handlePerf, perfOption, runPerfSteps } from './perf.mjs'

const ECHO_PROTOCOL = '/echo/1.0.0'
const LISTEN_ADDRESS = '/ip4/127.0.0.1/tcp/0'
const CHUNK_BYTES = 64 * 1024
const MIB = 1024 * 1024
const ECHO_STREAM_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 3_000
const USAGE = `usage:
  node peer.mjs listen [--max-lifetime-ms N] [--security noise|tls|noise,tls]
  node peer.mjs dial <multiaddr>/p2p/<peer id> [--connections K] [--ping N]
                     [--echo-streams S --echo-bytes B] [--expect-peer <peer id>] [--timeout-ms T]
                     [--security noise|tls|noise,tls]
                     [--perf-streams S --perf-upload B --perf-download B] [--stream-pings N] [--setup N] [--idle N]`
const ENCRYPTERS = { noise, tls }

class UsageError extends Error {}

function log (message) {
  process.stderr.write(`[peer.mjs ${process.pid}] ${message}\n`)
}

function intOption (name, text, min, max) {
  if (text == null || !/^[0-9]+$/.test(text)) {
    throw new UsageError(`${name} needs a whole number, got ${JSON.stringify(text)}`)
  }
  const value = Number(text)
  if (value < min || value > max) {
    throw new UsageError(`${name} must be in [${min}, ${max}], was ${value}`)
  }
  return value
}

function securityOption (text) {
  const names = (text ?? '').split(',')
  if (names.length === 0 || names.some(n => ENCRYPTERS[n] == null) || new Set(names).size !== names.length) {
    throw new UsageError(`--security needs a comma list of noise and tls, got ${JSON.stringify(text)}`)
  }
  return names
}

function parseArgs (argv) {
  const [mode, ...rest] = argv
  if (mode === 'listen') {
    const options = { mode, maxLifetimeMs: 600_000, security: ['noise'] }
    for (let i = 0; i < rest.length; i += 2) {
      if (rest[i] === '--max-lifetime-ms') {
        options.maxLifetimeMs = intOption(rest[i], rest[i + 1], 1, 3_600_000)
      } else if (rest[i] === '--security') {
        options.security = securityOption(rest[i + 1])
      } else {
        throw new UsageError(`unknown listen option ${JSON.stringify(rest[i])}`)
      }
    }
    return options
  }
  if (mode === 'dial') {
    if (rest.length === 0 || rest[0].startsWith('--')) {
      throw new UsageError('dial needs a multiaddr')
    }
    const options = {
      mode,
      target: rest[0],
      connections: 1,
      pings: 0,
      echoStreams: 0,
      echoBytes: 0,
      expectPeer: null,
      timeoutMs: 30_000,
      security: ['noise']
    }
    for (let i = 1; i < rest.length; i += 2) {
      const name = rest[i]
      const value = rest[i + 1]
      if (perfOption(name, value, options, intOption)) continue
      switch (name) {
        case '--connections': options.connections = intOption(name, value, 1, 64); break
        case '--ping': options.pings = intOption(name, value, 0, 1000); break
        case '--echo-streams': options.echoStreams = intOption(name, value, 0, 256); break
        case '--echo-bytes': options.echoBytes = intOption(name, value, 0, 64 * MIB); break
        case '--timeout-ms': options.timeoutMs = intOption(name, value, 1, 600_000); break
        case '--security': options.security = securityOption(value); break
        case '--expect-peer':
          if (value == null || value.startsWith('--')) {
            throw new UsageError('--expect-peer needs a peer id')
          }
          options.expectPeer = value
          break
        default: throw new UsageError(`unknown dial option ${JSON.stringify(name)}`)
      }
    }
    if ((options.echoStreams > 0) !== (options.echoBytes > 0)) {
      throw new UsageError('--echo-streams and --echo-bytes go together, both above 0')
    }
    return options
  }
  throw new UsageError(`unknown mode ${JSON.stringify(mode)}`)
}

async function createNode (listen, security) {
  const node = await createLibp2p({
    addresses: { listen: listen ? [LISTEN_ADDRESS] : [] },
    transports: [tcp()],
    connectionEncrypters: security.map(name => ENCRYPTERS[name]()),
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() },
    connectionManager: {
      // js accepts 5 new inbound connections per second per IP by default; the tests open many at once.
      inboundConnectionThreshold: 10_000,
      maxIncomingPendingConnections: 1_000,
      maxConnections: 1_000
    }
  })
  await node.handle(ECHO_PROTOCOL, serveEcho, { maxInboundStreams: 512, maxOutboundStreams: 512 })
  await handlePerf(node)
  return node
}

// Echoes every byte until the remote closes its writing side, then closes ours.
async function serveEcho (stream) {
  const signal = AbortSignal.timeout(ECHO_STREAM_TIMEOUT_MS)
  const onAbort = () => stream.abort(new Error(`echo stream still open after ${ECHO_STREAM_TIMEOUT_MS} ms`))
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) {
        await stream.onDrain({ signal })
      }
    }
    await stream.close({ signal })
  } catch (err) {
    log(`echo stream failed: ${err}`)
    stream.abort(err)
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

async function stopBounded (node) {
  if (node == null) return
  let timer
  await Promise.race([
    node.stop().catch(err => log(`stop failed: ${err}`)),
    new Promise(resolve => { timer = setTimeout(resolve, STOP_TIMEOUT_MS) })
  ])
  clearTimeout(timer)
}

async function runListen (options) {
  const node = await createNode(true, options.security)
  const counts = new Map()
  const change = (peer, delta) => {
    const key = peer.toString()
    const count = (counts.get(key) ?? 0) + delta
    if (count === 0) counts.delete(key); else counts.set(key, count)
    return count
  }
  node.addEventListener('connection:open', evt => {
    const conn = evt.detail
    console.log(`CONNECTED ${conn.remotePeer} ${conn.direction} count=${change(conn.remotePeer, 1)}`)
  })
  node.addEventListener('peer:identify', evt => {
    console.log(`IDENTIFIED ${evt.detail.peerId} ${JSON.stringify(identifyJson(evt.detail))}`)
  })
  node.addEventListener('connection:close', evt => {
    const conn = evt.detail
    console.log(`DISCONNECTED ${conn.remotePeer} count=${change(conn.remotePeer, -1)}`)
  })

  let stopping = false
  const shutdown = async (why) => {
    if (stopping) return
    stopping = true
    log(`stopping: ${why}`)
    await stopBounded(node)
    process.exit(0)
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.stdin.on('end', () => shutdown('stdin closed'))
  process.stdin.on('error', () => shutdown('stdin failed'))
  process.stdin.resume()
  setTimeout(() => shutdown(`max lifetime ${options.maxLifetimeMs} ms`), options.maxLifetimeMs).unref()

  const address = node.getMultiaddrs().find(ma => ma.toString().startsWith('/ip4/127.0.0.1/tcp/'))
  if (address == null) {
    throw new Error(`no loopback TCP listen address among ${node.getMultiaddrs().join(', ')}`)
  }
  console.log(`LISTEN ${address}`)
}

function identifyJson (id) {
  return {
    peerId: id.peerId.toString(),
    agentVersion: id.agentVersion ?? null,
    protocolVersion: id.protocolVersion ?? null,
    protocols: [...id.protocols].sort(),
    listenAddrs: id.listenAddrs.map(String),
    observedAddr: id.observedAddr?.toString() ?? null
  }
}

function peerIdOf (ma) {
  const p2p = ma.getComponents().filter(c => c.name === 'p2p')
  return p2p.length === 0 ? null : p2p[p2p.length - 1].value
}

function withPeerId (ma, peerId) {
  const bare = ma.getComponents().filter(c => c.name !== 'p2p')
  return multiaddr(bare).encapsulate(`/p2p/${peerId}`)
}

// Deterministic, non-periodic payload (xorshift32), distinct per stream, so a misrouted or reordered
// chunk cannot compare equal.
function payload (index, length) {
  const bytes = new Uint8Array(length)
  let x = (0x9e3779b9 ^ (index + 1)) >>> 0
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    bytes[i] = x & 0xff
  }
  return bytes
}

async function echoOnce (conn, index, length, signal) {
  const sent = payload(index, length)
  const stream = await conn.newStream(ECHO_PROTOCOL, { signal })
  const onAbort = () => stream.abort(new Error('echo timed out'))
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    const received = new Uint8Array(length)
    let got = 0
    let extra = 0
    const reading = (async () => {
      for await (const chunk of stream) {
        const bytes = chunk.subarray()
        const fits = Math.max(0, Math.min(bytes.byteLength, length - got))
        received.set(bytes.subarray(0, fits), got)
        got += fits
        extra += bytes.byteLength - fits
      }
    })()
    for (let offset = 0; offset < length; offset += CHUNK_BYTES) {
      if (!stream.send(sent.subarray(offset, Math.min(offset + CHUNK_BYTES, length)))) {
        await stream.onDrain({ signal })
      }
    }
    await stream.close({ signal })
    await reading
    const identical = got === length && extra === 0 && Buffer.compare(received, sent) === 0
    return { index, connection: conn.id, sent: length, received: got + extra, identical }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

function errorJson (err) {
  return { name: err?.name ?? 'Error', message: String(err?.message ?? err) }
}

async function runDial (options) {
  const started = performance.now()
  const result = { ok: false, mode: 'dial', target: options.target }
  let node
  let finished = false
  const finish = async (code) => {
    if (finished) return
    finished = true
    result.elapsedMs = Math.round(performance.now() - started)
    console.log(JSON.stringify(result))
    await stopBounded(node)
    process.exit(code)
  }
  setTimeout(() => {
    result.error = { name: 'TimeoutError', message: `dial run still busy after ${options.timeoutMs} ms` }
    finish(1)
  }, options.timeoutMs).unref()
  const signal = AbortSignal.timeout(options.timeoutMs)
  setMaxListeners(Infinity, signal)

  try {
    node = await createNode(false, options.security)
    result.localPeerId = node.peerId.toString()
    let target = multiaddr(options.target)
    if (peerIdOf(target) == null) {
      throw new UsageError(`the multiaddr must end with /p2p/<peer id>: ${options.target}`)
    }
    if (options.expectPeer != null) {
      target = withPeerId(target, options.expectPeer)
      result.expectedPeerId = options.expectPeer
    }

    // js runs identify by itself on every new connection (and refuses a second identify stream at the same
    // time), so the results come from its own run: collected from the start, awaited per connection.
    const identifyResults = new Map()
    const identifyWaiters = new Map()
    node.addEventListener('peer:identify', evt => {
      const connectionId = evt.detail.connection.id
      identifyResults.set(connectionId, evt.detail)
      identifyWaiters.get(connectionId)?.resolve(evt.detail)
    })
    const identified = (connectionId) => {
      if (identifyResults.has(connectionId)) return Promise.resolve(identifyResults.get(connectionId))
      const waiter = Promise.withResolvers()
      identifyWaiters.set(connectionId, waiter)
      const onAbort = () => waiter.reject(new Error(`no identify result for connection ${connectionId}: ${signal.reason}`))
      signal.addEventListener('abort', onAbort, { once: true })
      return waiter.promise.finally(() => signal.removeEventListener('abort', onAbort))
    }

    // js reuses an open connection unless asked not to: force every dial after the first.
    const conns = []
    for (let i = 0; i < options.connections; i++) {
      conns.push(await node.dial(target, { signal, force: i > 0 }))
    }
    const remote = conns[0].remotePeer
    result.remotePeerId = remote.toString()
    result.connections = {
      opened: conns.length,
      distinct: new Set(conns.map(c => c.id)).size,
      open: node.getConnections(remote).filter(c => c.status === 'open').length
    }

    const id = await identified(conns[0].id)
    result.identify = identifyJson(id)

    if (options.pings > 0) {
      const rtts = []
      for (let i = 0; i < options.pings; i++) {
        rtts.push(await node.services.ping.ping(remote, { signal }))
      }
      result.ping = { count: rtts.length, rttsMs: rtts }
    }

    if (options.echoStreams > 0) {
      const echoStarted = performance.now()
      const streams = await Promise.all(Array.from({ length: options.echoStreams },
        (_, i) => echoOnce(conns[i % conns.length], i, options.echoBytes, signal)))
      const seconds = Math.max(performance.now() - echoStarted, 1) / 1000
      result.echo = {
        streams: streams.length,
        bytesPerStream: options.echoBytes,
        connectionsUsed: new Set(streams.map(s => s.connection)).size,
        ok: streams.every(s => s.identical),
        elapsedMs: Math.round(seconds * 1000),
        payloadMiBPerSecond: Number(((streams.length * options.echoBytes / MIB) / seconds).toFixed(2)),
        failures: streams.filter(s => !s.identical)
      }
      if (!result.echo.ok) {
        throw new Error(`${result.echo.failures.length} echo stream(s) did not come back byte-identical`)
      }
    }
    await runPerfSteps(node, conns, target, options, signal, result)
    result.ok = true
    await finish(0)
  } catch (err) {
    if (err instanceof UsageError) throw err
    log(`dial failed: ${err?.stack ?? err}`)
    result.error = errorJson(err)
    await finish(1)
  }
}

async function main () {
  let options
  try {
    options = parseArgs(process.argv.slice(2))
    if (options.mode === 'listen') {
      await runListen(options)
    } else {
      await runDial(options)
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`)
      process.exit(2)
    }
    log(`failed: ${err?.stack ?? err}`)
    process.exit(1)
  }
}

await main()
