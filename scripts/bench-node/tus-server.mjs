// @tus/server, the reference Node.js tus server, as scripts/bench-serve runs it beside ingest serve.
//   PORT=1080 STORE=file DIRECTORY=/tmp/x node tus-server.mjs
//   PORT=1080 STORE=s3 S3_ENDPOINT=http://127.0.0.1:9000 S3_BUCKET=b AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… node tus-server.mjs
// Serves tus at /files/ and prints "listening" once it does.
import { Server } from '@tus/server'
import { FileStore } from '@tus/file-store'
import { S3Store } from '@tus/s3-store'
import http from 'node:http'

const datastore =
  process.env.STORE === 's3'
    ? new S3Store({
        partSize: 8 * 1024 * 1024,
        s3ClientConfig: {
          bucket: process.env.S3_BUCKET,
          region: 'us-east-1',
          endpoint: process.env.S3_ENDPOINT,
          forcePathStyle: true,
          credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
          // why: S3-compatible servers such as S3Proxy refuse the newer default checksum headers
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        },
      })
    : new FileStore({ directory: process.env.DIRECTORY })
const tus = new Server({ path: '/files', datastore })
http.createServer((req, res) => tus.handle(req, res)).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'))
