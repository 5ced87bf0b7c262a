namespace InsureCrm.Web.Voc.Insight;

/// <summary>The internal suggestion form.</summary>
internal sealed class VocSuggestForm
{
    public string? Category { get; set; }
    public string? Subject { get; set; }
    public string? Text { get; set; }
}
