using InsureCrm.Core.Common;

namespace InsureCrm.Core.Voc.Import;

/// <summary>The kinds of VOC file <c>voc import</c> reads; one kind per file.</summary>
public enum VocImportKind
{
    /// <summary>Complaints referred by the regulator (금융감독원 민원), each with the regulator's reference and deadline.</summary>
    Regulator,

    /// <summary>Public web mentions (communities, reviews, social media) collected by a monitoring service.</summary>
    Mentions,

    /// <summary>Letters, faxes and postcards typed in by staff.</summary>
    Letters,

    /// <summary>
    /// The free-text comments of survey responses (a satisfaction or NPS survey run in another tool, exported with one response
    /// per row); responses without a comment are counted, not opened.
    /// </summary>
    Surveys,
}

/// <summary>What kind of paper a typed-in VOC came on (the <c>kind</c> column of a letters file).</summary>
public enum VocLetterKind { Letter, Fax, Postcard }

/// <summary>One good row of a VOC import file: the line it starts on and the customer's words.</summary>
internal abstract record VocImportRow(int Line, string Text);

/// <summary>
/// A complaint the regulator referred. <see cref="Rrn"/> is the 13 digits (to be hashed and encrypted by the
/// intake, never logged); the customer fields may all be empty: the case is kept and matched later.
/// </summary>
internal sealed record RegulatorReferralRow(
    int Line,
    string ReferenceNumber,
    DateOnly ReceivedOn,
    DateOnly Deadline,
    string? CustomerName,
    string? Rrn,
    string? Phone,
    string? ContractNumber,
    string? Subject,
    string Text) : VocImportRow(Line, Text);

/// <summary>A public web mention: where and when it was posted, by which handle, and what it says.</summary>
internal sealed record WebMentionRow(
    int Line,
    string Site,
    Uri Url,
    DateTime PostedAtUtc,
    string? Author,
    string Text) : VocImportRow(Line, Text);

/// <summary>A letter, fax or postcard typed in: the sender as written on it, and the text.</summary>
internal sealed record TypedLetterRow(
    int Line,
    VocLetterKind Kind,
    DateOnly ReceivedOn,
    string? SenderName,
    string? Phone,
    string? Address,
    string? ContractNumber,
    string? Subject,
    string Text) : VocImportRow(Line, Text);

/// <summary>A survey response's comment: the survey, the response's id there, when it was answered, its score and who answered.</summary>
internal sealed record SurveyCommentRow(
    int Line,
    string Survey,
    string ResponseId,
    DateTime AnsweredAtUtc,
    int? Score,
    int? ScaleMax,
    string? Phone,
    string? ContractNumber,
    string Text) : VocImportRow(Line, Text);

/// <summary>A refused row: its line, every problem found (column and reason, never the value) and its original fields for the rejects file.</summary>
internal sealed record VocImportReject(int Line, IReadOnlyList<RowError> Errors, string[] Fields);

/// <summary>
/// What reading a VOC import file gave. <see cref="Error"/> set: a fatal problem with the file as a whole (no rows).
/// Otherwise the good <see cref="Rows"/> in file order, and the <see cref="Rejects"/> with their lines; the caller
/// hands the rows to the intake, adds the rows the intake refuses, and writes the rejects file
/// (<see cref="VocImportReader.WriteRejects"/>). <see cref="Lines"/> counts every physical line of the file.
/// </summary>
internal sealed record VocImportRead(
    string? Error,
    VocImportKind? Kind,
    IReadOnlyList<string> Header,
    IReadOnlyList<VocImportRow> Rows,
    IReadOnlyList<VocImportReject> Rejects,
    string? Encoding,
    int Lines = 0,
    int BlankLines = 0,
    int WithoutText = 0)
{
    public static VocImportRead Fatal(string error) => new(error, null, [], [], [], null);

    /// <summary>0 every row good, 2 some rows refused, 1 fatal: the exit codes of every import.</summary>
    public ImportStatus Status => Error is not null ? ImportStatus.Failed : Rejects.Count == 0 ? ImportStatus.Completed : ImportStatus.CompletedWithRejects;
}
