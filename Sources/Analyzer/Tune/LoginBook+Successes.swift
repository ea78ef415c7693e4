// The login book is gathered by the pipeline and knows nothing of tuning; tuning reads it
// here (the dependency goes one way: Tune on Match).
extension LoginBook {
    /// The logins of `id` in time order (equal times: users in name order), nil when none.
    /// - Precondition: the book is ``finished()``.
    package func successes(of id: FailureID) -> [TuneGrid.Success]? {
        guard let a = index[id] else { return nil }
        var list = (starts[Int(a)]..<starts[Int(a) + 1]).map {
            TuneGrid.Success(time: times[$0], user: String(decoding: names.names[Int(users[$0])], as: UTF8.self))
        }
        list.sort { ($0.time, $0.user) < ($1.time, $1.user) }
        return list
    }
}
