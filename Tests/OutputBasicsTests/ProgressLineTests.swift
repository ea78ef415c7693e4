import Testing

@testable import OutputBasics

/// The progress line: a total and the time left from the sizes on disk, compressed files
/// included (a gzip of 300 MiB read 120 MiB into it after 10 s has 15 s left, whatever
/// its text's size); none when the inputs outgrew their sizes (a FIFO, a growing file).
@Suite struct ProgressLineTests {
    @Test func plainFilesCountTheirText() {
        #expect(
            ProgressLine.text(done: 512 << 20, stored: 512 << 20, total: 1024 << 20, seconds: 2)
                == "failscan: 512 MiB of 1024 MiB, 268 MB/s, 0:02 left")
    }

    @Test func compressedFilesCountTheirBytesOnDisk() {
        #expect(
            ProgressLine.text(done: 1200 << 20, stored: 120 << 20, total: 300 << 20, seconds: 10)
                == "failscan: 1200 MiB (120 of 300 MiB on disk), 126 MB/s, 0:15 left")
        #expect(
            ProgressLine.text(done: 6000 << 20, stored: 100 << 20, total: 3100 << 20, seconds: 10)
                == "failscan: 6000 MiB (100 of 3100 MiB on disk), 629 MB/s, 5:00 left")
    }

    @Test func noTotalWhenTheInputsOutgrewIt() {
        #expect(
            ProgressLine.text(done: 100_000, stored: 100_000, total: 0, seconds: 3) == "failscan: 0 MiB, 0 MB/s")
        #expect(ProgressLine.text(done: 3 << 20, stored: 3 << 20, total: nil, seconds: 1) == "failscan: 3 MiB, 3 MB/s")
    }
}
