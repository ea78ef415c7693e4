/// The order fail2ban's date detector keeps its templates in, which fail2ban-regex's "Date
/// template hits" follows: a template that finds a date where the one before did not is
/// moved up (to the first unused place, else halfway), when its weight (hits over the
/// offset of its match) beats the one there or that one was never used.
///
/// Corresponds to fail2ban's `server/datedetector.py` `DateDetector.matchTime` (hits,
/// `__firstUnused`, `__lastTemplIdx`) and `_reorderTemplate`. fail2ban also moves a
/// template over one unused for 5 minutes of wall-clock time; a report of a log takes less
/// (every template used in it counts as recently used). Every template weighs 1.0 (fail2ban
/// weighs 100 only the anchored copies it adds to unanchored default templates, and its
/// defaults are all anchored).
package struct DateTemplateOrder: Sendable {
    /// Template indices, in fail2ban's current order.
    package private(set) var order: [Int]
    private var position: [Int]
    private var hits: [Int]
    private var distance: [Int]
    private var firstUnused = 0
    private var lastPosition = Int.max

    package init(count: Int) {
        order = Array(0..<count)
        position = order
        hits = Array(repeating: 0, count: count)
        distance = Array(repeating: 0x7fff_ffff, count: count)
    }

    /// Template `template` found a line's date, its match starting at byte `start`.
    package mutating func used(_ template: Int, start: Int) {
        hits[template] += 1
        distance[template] = start
        var i = position[template]
        if firstUnused == i { firstUnused += 1 }
        if i != 0 && i != lastPosition { i = reorder(i) }
        lastPosition = i
    }

    private func weight(_ template: Int) -> Double { Double(hits[template]) / Double(max(1, distance[template])) }

    /// `_reorderTemplate`: the template at `num` bubbles up; its new place.
    private mutating func reorder(_ num: Int) -> Int {
        let template = order[num]
        func movable(_ pos: Int) -> Bool { weight(template) > weight(order[pos]) || hits[order[pos]] == 0 }
        var pos = firstUnused < num ? firstUnused : num / 2
        if !movable(pos) {
            if pos == num - 1 { return num }
            pos = num - 1
            if !movable(pos) { return num }
        }
        order.remove(at: num)
        order.insert(template, at: pos)
        for (i, t) in order.enumerated() { position[t] = i }
        while firstUnused < order.count && hits[order[firstUnused]] > 0 { firstUnused += 1 }
        return pos
    }
}
