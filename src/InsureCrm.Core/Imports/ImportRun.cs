namespace InsureCrm.Core.Imports;

public enum ImportKind { Customers, Contracts, Loans, Agents, Interactions, Claims }

/// <summary>One run of an import file, kept for operators and auditors.</summary>
public sealed class ImportRun
{
    public long Id { get; set; }
    public ImportKind Kind { get; set; }
    public string FileName { get; set; } = "";
    public string FileSha256 { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public int RowsRead { get; set; }
    public int RowsLoaded { get; set; }
    public int RowsRejected { get; set; }
}
