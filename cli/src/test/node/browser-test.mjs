// A real browser (Chromium, headless, driven by playwright-core) on a page of another origin uses ingest serve
// as a web front end would: a form upload with fetch, a tus upload with tus-js-client's browser build, a form
// upload with Uppy's XHRUpload plugin, then the
// form upload's job followed through EventSource with the job token of the upload's answer.
//   node browser-test.mjs SERVER_URL API_KEY        (CHROMIUM=/usr/bin/chromium by default)
// Prints "uploads <json>", then "listening" once the event stream is open (start a worker then), then
// "events <json>" with every event up to the job's terminal one.
import { chromium } from 'playwright-core'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const [server, token] = process.argv.slice(2)
const here = path.dirname(fileURLToPath(import.meta.url))
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
})
// why: a page served from another origin (localhost and a port of its own, where the server is 127.0.0.1), so
// every request to the server is cross-origin and CORS is exercised; both are on loopback, as Chromium's
// local-network rules want them.
const site = http.createServer((req, res) => { res.setHeader('Content-Type', 'text/html'); res.end('<!doctype html><title>app</title>') })
await new Promise(resolve => site.listen(0, 'localhost', resolve))
try {
  const page = await browser.newPage()
  page.on('console', m => console.error('console: ' + m.text()))
  await page.exposeFunction('report', line => console.log(line))
  await page.goto('http://localhost:' + site.address().port + '/')
  await page.addScriptTag({ path: path.join(here, 'node_modules/tus-js-client/dist/tus.js') })
  await page.addScriptTag({ path: path.join(here, 'node_modules/uppy/dist/uppy.min.js') })

  const uploads = await page.evaluate(async ({ server, token }) => {
    const form = new FormData()
    form.append('meta', 'from=browser')
    form.append('file', new Blob(['Hello from a browser. It uploads, then listens.'], { type: 'text/plain' }), 'hello.txt')
    const answer = await fetch(server + '/v1/uploads', { method: 'POST', headers: { Authorization: 'Bearer ' + token }, body: form })
    const uploaded = await answer.json()

    const bytes = new Uint8Array(6 * 1024 * 1024).map((_, i) => i % 251)
    const tusJob = await new Promise((resolve, reject) => {
      let job = null
      const upload = new tus.Upload(new Blob([bytes]), {
        endpoint: server + '/v1/tus/',
        headers: { Authorization: 'Bearer ' + token },
        metadata: { filename: 'browser.bin', 'meta.from': 'browser' },
        chunkSize: 2 * 1024 * 1024,
        retryDelays: [],
        onAfterResponse: (req, res) => { const id = res.getHeader('Ingest-Job-Id'); if (id) job = id },
        onError: reject,
        onSuccess: () => resolve(job),
      })
      upload.start()
    })
    // Uppy with its XHRUpload plugin, as a web page drops it in: a form post per file, metadata as fields
    const uppy = new Uppy.Uppy({ autoProceed: false })
      .use(Uppy.XHRUpload, { endpoint: server + '/v1/uploads', fieldName: 'file', headers: { Authorization: 'Bearer ' + token } })
    uppy.addFile({ name: 'uppy.txt', type: 'text/plain', data: new Blob(['Sent by Uppy. ' + Date.now()], { type: 'text/plain' }) })
    const sent = await uppy.upload()
    const uppyJob = sent.successful.length === 1 ? sent.successful[0].response.body.jobId : 'failed: ' + JSON.stringify(sent.failed)

    return { status: answer.status, uploaded, tusJob, uppyJob }
  }, { server, token })
  console.log('uploads ' + JSON.stringify(uploads))

  const events = await page.evaluate(eventsUrl => new Promise((resolve, reject) => {
    const seen = []
    const source = new EventSource(eventsUrl)
    source.onopen = () => window.report('listening')
    const heard = e => {
      const job = JSON.parse(e.data)
      seen.push({ type: e.type, id: e.lastEventId, status: job.status, percent: job.progress.percent })
      if (['completed', 'failed', 'cancelled'].includes(job.status)) {
        source.close()
        resolve(seen)
      }
    }
    source.addEventListener('status', heard)
    source.addEventListener('progress', heard)
    setTimeout(() => reject(new Error('no terminal event in 60 s; heard ' + JSON.stringify(seen))), 60000)
  }), uploads.uploaded.eventsUrl)
  console.log('events ' + JSON.stringify(events))
} finally {
  site.close()
  await browser.close()
}
