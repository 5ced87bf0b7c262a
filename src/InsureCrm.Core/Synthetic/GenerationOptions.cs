namespace InsureCrm.Core.Synthetic;

/// <summary>What to generate. Public because the CLI (assembly <c>insurecrm</c>) cannot see Core internals.</summary>
/// <param name="Customers">Customer rows to create (people, companies and duplicate records together).</param>
/// <param name="Seed">The same seed (and as-of date) always gives the same data.</param>
/// <param name="TruthFile">Where to write the hidden truth as CSV; the agents' truth goes next to it (<c>NAME.agents.csv</c>).</param>
/// <param name="AsOf">The last day of the history; today (Asia/Seoul) from the <see cref="TimeProvider"/> when null.</param>
/// <param name="ChunkSize">Customers generated and written per transaction.</param>
/// <param name="TruthAt">
/// The date the truth file describes (within the history, at most <paramref name="AsOf"/>; default the as-of
/// date): the probabilities of the 3 months after it, from the state of the simulation at that date. It only
/// changes what the truth file says, never the generated data.
/// </param>
/// <param name="Campaigns">
/// Plant the three past campaigns of <c>CampaignPlan</c> (members, contacts, their effect on purchases) and, with a
/// truth file, write their truth (<c>NAME.campaigns.csv</c>, <c>NAME.campaign-effects.csv</c>). Off by default: the
/// start-up demo writes its own campaigns (<c>DemoCampaigns</c>), and a book generated without them is exactly the
/// book of before they existed. <c>insurecrm generate</c> turns it on (<c>--no-campaigns</c> off).
/// </param>
/// <param name="CampaignEffectScale">
/// Multiplies every planted β (<c>HiddenModel.CampaignUplift</c>): 1 is the documented effect; a larger value gives a
/// small test book the power of a large one. Only with <paramref name="Campaigns"/>.
/// </param>
public sealed record GenerationOptions(int Customers, int Seed = GenerationOptions.DefaultSeed, string? TruthFile = null, DateOnly? AsOf = null, int ChunkSize = 5000,
    DateOnly? TruthAt = null, bool Campaigns = false, double CampaignEffectScale = 1.0)
{
    public const int DefaultSeed = 20240901;
    /// <summary>The demo insurer the web host creates in an empty database.</summary>
    public const int DemoCustomers = 10_000;

    /// <summary>Where the agents' truth goes for a customer truth file: <c>truth.csv</c> → <c>truth.agents.csv</c>.</summary>
    public static string AgentTruthFile(string truthFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(truthFile))!, Path.GetFileNameWithoutExtension(truthFile) + ".agents.csv");

    /// <summary>Where the planted campaigns' members go: <c>truth.csv</c> → <c>truth.campaigns.csv</c>.</summary>
    public static string CampaignTruthFile(string truthFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(truthFile))!, Path.GetFileNameWithoutExtension(truthFile) + ".campaigns.csv");

    /// <summary>Where the planted effects per campaign and stratum go: <c>truth.csv</c> → <c>truth.campaign-effects.csv</c>.</summary>
    public static string CampaignEffectTruthFile(string truthFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(truthFile))!, Path.GetFileNameWithoutExtension(truthFile) + ".campaign-effects.csv");
}

/// <summary>Progress after each chunk is committed.</summary>
public sealed record GenerationProgress(int CustomersWritten, int CustomersTotal, long RowsWritten);

public sealed record GenerationSummary(
    int Customers, int Duplicates, long Contracts, long Loans, long Claims, long Interactions, int Agents, int Branches, int Products,
    long Rows, DateOnly AsOf, int Seed, TimeSpan Duration, int Campaigns = 0, long CampaignMembers = 0, long CampaignContacts = 0);
