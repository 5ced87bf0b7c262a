namespace InsureCrm.Core.Security;

/// <summary>
/// Why personal data is opened, unmasked or downloaded: a code from a fixed list (so the monthly review
/// can count them) plus an optional note, required for <see cref="Other"/>. The log stores
/// <c>code</c> or <c>code: note</c>.
/// </summary>
public static class AccessReason
{
    public const string Inquiry = "inquiry";
    public const string Retention = "retention";
    public const string Complaint = "complaint";
    public const string DataSubjectRequest = "data-subject";
    public const string Audit = "audit";
    /// <summary>Working an approved campaign's list: a call-list customer opened, a DM list downloaded for the print vendor.</summary>
    public const string Campaign = "campaign";
    public const string Other = "other";
    public const int MaxNoteLength = 200;

    /// <summary>The codes in the order a form lists them (고객 문의 응대, 계약 유지 안내, 민원 처리, 정보주체 요청, 감사·점검, 캠페인, 기타).</summary>
    public static readonly IReadOnlyList<string> Codes = [Inquiry, Retention, Complaint, DataSubjectRequest, Audit, Campaign, Other];

    /// <summary>
    /// The reason to record, or null when <paramref name="code"/> is missing or unknown, the note is too
    /// long, or <see cref="Other"/> comes without a note.
    /// </summary>
    public static string? Compose(string? code, string? note = null)
    {
        code = code?.Trim().ToLowerInvariant();
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (code is null || !Codes.Contains(code) || note is { Length: > MaxNoteLength } || (code == Other && note is null))
        {
            return null;
        }
        return note is null ? code : $"{code}: {note}";
    }
}
