// Uploads one file to a tus server with the real tus-js-client, for ingest's end-to-end tests and benchmarks.
// Usage: node tus-upload.mjs FILE
//   TUS_ENDPOINT  creation URL (http://host/v1/tus/), or TUS_UPLOAD_URL to continue an upload
//   TUS_TOKEN     API key sent as a bearer token (optional)
//   TUS_METADATA  JSON object of metadata (optional; filename defaults to the file's name)
//   TUS_CHUNK_SIZE bytes per PATCH (optional; default: the whole rest of the file in one request)
// Prints "url <upload URL>" once it is known, "progress <bytes>" now and then, then "done <job id>" on success
// or "error <message>" and exits 1.
import { Upload } from 'tus-js-client'
import fs from 'node:fs'
import path from 'node:path'

const file = process.argv[2]
const metadata = Object.assign({ filename: path.basename(file) }, JSON.parse(process.env.TUS_METADATA || '{}'))
let jobId = null
let lastReported = 0
const options = {
  endpoint: process.env.TUS_ENDPOINT,
  uploadUrl: process.env.TUS_UPLOAD_URL || null,
  metadata,
  headers: process.env.TUS_TOKEN ? { Authorization: 'Bearer ' + process.env.TUS_TOKEN } : {},
  retryDelays: [0, 1000, 3000, 5000, 10000, 15000],
  storeFingerprintForResuming: false,
  onUploadUrlAvailable() {
    console.log('url ' + upload.url)
  },
  onProgress(sent) {
    if (sent - lastReported >= 1 << 20) {
      lastReported = sent
      console.log('progress ' + sent)
    }
  },
  onAfterResponse(req, res) {
    const id = res.getHeader('Ingest-Job-Id')
    if (id) {
      jobId = id
    }
  },
  onError(error) {
    console.log('error ' + String(error).split('\n')[0])
    process.exit(1)
  },
  onSuccess() {
    console.log('done ' + jobId)
    process.exit(0)
  },
}
if (process.env.TUS_CHUNK_SIZE) {
  options.chunkSize = Number(process.env.TUS_CHUNK_SIZE)
}
const upload = new Upload(fs.createReadStream(file), options)
upload.start()
