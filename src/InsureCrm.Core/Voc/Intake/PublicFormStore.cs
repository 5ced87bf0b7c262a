namespace InsureCrm.Core.Voc.Intake;

/// <summary>
/// What the public form's guard remembers between submissions: attempts per hashed client, form tokens used,
/// hashes of texts submitted. Each method is one atomic step, so a database store can do each in one statement.
/// Keys are HMACs: the store never holds an IP address or a text.
/// </summary>
internal interface IPublicFormStore
{
    /// <summary>Records an attempt of <paramref name="client"/> at <paramref name="at"/>; returns its attempts since each of the two moments, this one included.</summary>
    ValueTask<(int SinceShort, int SinceDay)> RecordAttemptAsync(string client, DateTimeOffset at, DateTimeOffset shortSince, DateTimeOffset daySince, CancellationToken ct = default);

    /// <summary>Marks a form token used; false when it was used already. It may be forgotten after <paramref name="expires"/>.</summary>
    ValueTask<bool> ClaimTokenAsync(string nonce, DateTimeOffset expires, CancellationToken ct = default);

    /// <summary>Records a text hash at <paramref name="at"/>; false when the same hash was recorded after <paramref name="since"/> (a duplicate).</summary>
    ValueTask<bool> ClaimTextAsync(string textHash, DateTimeOffset at, DateTimeOffset since, CancellationToken ct = default);
}

/// <summary>
/// The guard's memory in the process: enough for one web server (a restart forgets, which only lets a client
/// start afresh). Entries older than a day are swept every few thousand calls, so memory stays bounded by a
/// day's traffic.
/// </summary>
internal sealed class InMemoryPublicFormStore : IPublicFormStore
{
    private const int SweepEvery = 4096;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<DateTimeOffset>> _attempts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _texts = new(StringComparer.Ordinal);
    private TimeSpan _longestWindow = TimeSpan.FromDays(1);
    private int _calls;

    public ValueTask<(int SinceShort, int SinceDay)> RecordAttemptAsync(string client, DateTimeOffset at, DateTimeOffset shortSince, DateTimeOffset daySince, CancellationToken ct = default)
    {
        lock (_lock)
        {
            Sweep(at);
            if (!_attempts.TryGetValue(client, out var times))
            {
                _attempts[client] = times = [];
            }
            times.RemoveAll(t => t <= daySince);
            times.Add(at);
            return ValueTask.FromResult((times.Count(t => t > shortSince), times.Count));
        }
    }

    public ValueTask<bool> ClaimTokenAsync(string nonce, DateTimeOffset expires, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_tokens.TryAdd(nonce, expires));
        }
    }

    public ValueTask<bool> ClaimTextAsync(string textHash, DateTimeOffset at, DateTimeOffset since, CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (at - since > _longestWindow)
            {
                _longestWindow = at - since;
            }
            var fresh = !_texts.TryGetValue(textHash, out var last) || last <= since;
            _texts[textHash] = at;
            return ValueTask.FromResult(fresh);
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        if (++_calls % SweepEvery != 0)
        {
            return;
        }
        var old = now - _longestWindow;
        foreach (var (client, times) in _attempts.ToList())
        {
            times.RemoveAll(t => t <= now.AddDays(-1));
            if (times.Count == 0)
            {
                _attempts.Remove(client);
            }
        }
        foreach (var nonce in _tokens.Where(t => t.Value < now).Select(t => t.Key).ToList())
        {
            _tokens.Remove(nonce);
        }
        foreach (var hash in _texts.Where(t => t.Value <= old).Select(t => t.Key).ToList())
        {
            _texts.Remove(hash);
        }
    }
}
