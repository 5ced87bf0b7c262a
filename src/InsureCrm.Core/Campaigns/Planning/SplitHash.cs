namespace InsureCrm.Core.Campaigns.Planning;

/// <summary>
/// The one hash that places customers in campaigns: SplitMix64's finaliser of <c>seed · 0x9E3779B97F4A7C15 ⊕ id</c>
/// (arithmetic modulo 2⁶⁴). Pure and stable across processes, providers and versions, so that the same seed gives the
/// same members, arms and order every time, and the synthetic generator, which sees one chunk of customers at a time,
/// places them exactly as the split would. Changing it changes every past split: don't.
/// </summary>
public static class SplitHash
{
    /// <summary>2⁶⁴ divided by the golden ratio: SplitMix64's increment.</summary>
    public const ulong Golden = 0x9E3779B97F4A7C15;

    private const double TwoToMinus53 = 1.0 / (1UL << 53);

    /// <summary>The 64-bit hash of <paramref name="customerId"/> under <paramref name="seed"/>.</summary>
    public static ulong Of(long seed, long customerId)
    {
        var z = unchecked((ulong)seed * Golden) ^ unchecked((ulong)customerId);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EB);
        return z ^ (z >> 31);
    }

    /// <summary>The hash as a number in [0, 1): its top 53 bits, so every value is exact in a double.</summary>
    public static double Unit(long seed, long customerId) => (Of(seed, customerId) >> 11) * TwoToMinus53;

    /// <summary>
    /// True for a share <paramref name="share"/> of all ids, the same ones for a seed: <see cref="Unit"/> below the share.
    /// A larger share keeps every id a smaller one selects. 0 selects none, 1 every id.
    /// </summary>
    public static bool IsBelow(long seed, long customerId, double share) => Unit(seed, customerId) < share;

    /// <summary>
    /// What <c>campaign_member.split_hash</c> stores: the hash shifted right by one, so it fits a signed 64-bit column,
    /// is never negative, and sorts (in SQL too) in the hash's order. Members of a stratum are ordered by it, ties by id.
    /// </summary>
    public static long Key(long seed, long customerId) => (long)(Of(seed, customerId) >> 1);
}
