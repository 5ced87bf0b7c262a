namespace InsureCrm.Core.Synthetic;

/// <summary>
/// Deterministic randomness for the generator: <see cref="Random"/> seeded from SplitMix64-derived
/// seeds, so every chunk draws from its own stream and the same seed always gives the same data.
/// Not for security: this is simulation, never key material.
/// </summary>
internal static class SyntheticRandom
{
    /// <summary>A seed for one stream (a chunk, the agent force, ...) derived from the run's seed.</summary>
    public static int Derive(int seed, long stream, long salt = 0)
    {
        var x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + (ulong)salt * 0x94D049BB133111EBUL);
        x ^= x >> 30;
        x = unchecked(x * 0xBF58476D1CE4E5B9UL);
        x ^= x >> 27;
        x = unchecked(x * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return (int)(x & 0x7FFFFFFF);
    }

    public static bool Chance(this Random rng, double p) => rng.NextDouble() < p;

    /// <summary>Standard normal by Box-Muller.</summary>
    public static double Normal(this Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static T Pick<T>(this Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    /// <summary>Inclusive-exclusive integer range.</summary>
    public static long NextLong(this Random rng, long min, long max) => rng.NextInt64(min, max);

    /// <summary>A KRW amount uniformly in [min, max], rounded to <paramref name="unit"/>.</summary>
    public static decimal Amount(this Random rng, decimal min, decimal max, decimal unit)
    {
        var v = min + (decimal)rng.NextDouble() * (max - min);
        return Math.Max(unit, Math.Round(v / unit, MidpointRounding.AwayFromZero) * unit);
    }

    /// <summary>Probability that an event with a constant monthly hazard rate happens within <paramref name="months"/>.</summary>
    public static double WithinMonths(double monthlyRate, double months) => 1.0 - Math.Exp(-monthlyRate * months);
}

/// <summary>A cumulative table for weighted choices, built once.</summary>
internal sealed class WeightedTable<T>
{
    private readonly T[] _items;
    private readonly double[] _cumulative;

    public WeightedTable(IReadOnlyList<(T Item, double Weight)> entries)
    {
        _items = [.. entries.Select(e => e.Item)];
        _cumulative = new double[entries.Count];
        var total = entries.Sum(e => e.Weight);
        var run = 0.0;
        for (var i = 0; i < entries.Count; i++)
        {
            run += entries[i].Weight / total;
            _cumulative[i] = run;
        }
        _cumulative[^1] = 1.0;
    }

    public IReadOnlyList<T> Items => _items;

    public T Pick(Random rng)
    {
        var u = rng.NextDouble();
        var i = Array.BinarySearch(_cumulative, u);
        if (i < 0)
        {
            i = ~i;
        }
        return _items[Math.Min(i, _items.Length - 1)];
    }
}
