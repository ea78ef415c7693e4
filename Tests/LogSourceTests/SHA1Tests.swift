import Foundation
import LogSource
import TestSupport
import Testing

/// SHA-1 as fail2ban's database keeps a log's first line: FIPS 180 test vectors and
/// `sha1sum` on seeded random data of every length around the block boundaries.
@Suite struct SHA1Tests {
    @Test func standardVectors() {
        #expect(SHA1.hexDigest(Array("".utf8)) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hexDigest(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            SHA1.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    @Test func sameAsSha1sum() throws {
        var generator = SeededGenerator(seed: 5)
        let dir = try TestSupport.temporaryDirectory()
        for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 200, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let file = dir.appendingPathComponent("m\(length)")
            try Data(bytes).write(to: file)
            let theirs = try TestSupport.run("/usr/bin/sha1sum", [file.path]).stdout.prefix(40)
            #expect(SHA1.hexDigest(bytes) == String(theirs), "\(length) bytes")
        }
    }
}
