// js-libp2p 3.x calls Promise.withResolvers, which Node.js ships from 22 on. The build machines run
// Node 20, so peer.mjs imports this module before anything from libp2p. It only fills the gap: on a
// Node that has the method, it changes nothing.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers () {
      let resolve
      let reject
      const promise = new this((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    }
  })
}
