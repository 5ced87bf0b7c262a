namespace InsureCrm.Core.Imports;

/// <summary>How imports run (configuration section <c>Imports</c>; docs/imports.md).</summary>
public sealed class ImportOptions
{
    public const string Section = "Imports";

    /// <summary>
    /// While a customer import is the only writer of the database (a first import on PostgreSQL), plan each batch's
    /// merges by RRN in memory and write merged customers as merged (<c>RunIdentityKeys</c>). False resolves every
    /// batch by statements after it is written, as every other import does; the result is the same, only slower.
    /// </summary>
    public bool PlanMergesInMemory { get; set; } = true;
}
