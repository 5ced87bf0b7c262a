namespace InsureCrm.Cli;

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and lose ordering).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public SyncProgress(IProgress<T> inner) : this(inner.Report)
    {
    }

    public void Report(T value) => report(value);
}
