namespace InsureCrm.Core.Common;

/// <summary>
/// Short field values an import file repeats row after row (codes such as a gender or an income band, a source
/// system, a province, an occupation) handed out as one string each instead of a new one per row. A big import
/// holds two batches of rows in memory at a time, and every string a row owns is copied by each garbage
/// collection it survives while the database waits; these are about half of a customer row's fields.
/// Each column adds at most <see cref="ValuesPerColumn"/> values, and a column whose values rarely repeat (ids,
/// phone numbers) stops being looked up once that shows. Values are kept only while the file is read.
/// </summary>
internal sealed class FieldPool
{
    /// <summary>The longest value pooled, in characters.</summary>
    public const int MaxLength = 32;
    public const int ValuesPerColumn = 512;
    /// <summary>Look-ups after a column's values are full before its rate of repeats is judged.</summary>
    private const int TrialLookups = 1024;

    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Column[] _columns;

    private struct Column
    {
        public int Added;
        public int Lookups;
        public int Hits;
        public bool Off;
    }

    public FieldPool(int columns)
    {
        _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();
        _columns = new Column[columns];
    }

    /// <summary>The string of <paramref name="chars"/> in column <paramref name="column"/>: a pooled one when seen before.</summary>
    public string Get(int column, ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return "";
        }
        if ((uint)column >= (uint)_columns.Length || _columns[column].Off || chars.Length > MaxLength)
        {
            return new string(chars);
        }
        ref var c = ref _columns[column];
        if (_lookup.TryGetValue(chars, out var pooled))
        {
            c.Hits++;
            c.Lookups++;
            return pooled;
        }
        var value = new string(chars);
        if (c.Added < ValuesPerColumn)
        {
            _values.Add(value);
            c.Added++;
            return value;
        }
        // Full: keep looking up only while at least a quarter of the values repeat.
        if (++c.Lookups >= TrialLookups && c.Hits * 4 < c.Lookups)
        {
            c.Off = true;
        }
        return value;
    }
}
