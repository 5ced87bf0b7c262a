using InsureCrm.Analytics.Learning;
using Microsoft.Extensions.Options;

namespace InsureCrm.Web.Models;

/// <summary>
/// Trains workbench models in the background, as <c>insurecrm model train</c> does (docs/models.md): stratified
/// hold-out, <c>auto</c>'s cross-validated search within the work budget, metrics on the held-out rows, refit on all
/// rows. The page polls the work's state; the data file is deleted once a model exists. At most
/// <see cref="WorkbenchOptions.ConcurrentTrainings"/> run at once; the others wait as queued.
/// </summary>
internal sealed partial class WorkbenchTrainer(WorkbenchStore store, IOptions<WorkbenchOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<WorkbenchTrainer> logger) : IDisposable
{
    public const string Auto = WorkbenchTraining.Auto;
    private const int Folds = 5;

    private readonly SemaphoreSlim _slots = new(options.Value.ConcurrentTrainings);

    /// <summary>Queues the training of <paramref name="work"/> with <paramref name="choices"/> and returns at once.</summary>
    public void Start(WorkbenchWork work, TrainChoices choices)
    {
        var queued = work with { State = WorkbenchState.Queued, Choices = choices, Error = null, Stage = null };
        store.Save(queued);
        var stopping = lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            await _slots.WaitAsync(stopping);
            try
            {
                Run(queued, choices, stopping);
            }
            finally
            {
                _slots.Release();
            }
        }, stopping);
    }

    public void Dispose() => _slots.Dispose();

    private void Run(WorkbenchWork work, TrainChoices choices, CancellationToken ct)
    {
        var current = work with { State = WorkbenchState.Training, Stage = "read" };
        store.Save(current);
        try
        {
            var result = Train(work, choices, stage => store.Save(current = current with { Stage = stage }), ct);
            store.Save(result);
            store.DeleteData(work.Id);
            LogTrained(logger, work.Id, result.Rows, result.Positives);
        }
        catch (Exception ex) when (ex is CsvDataException or ArgumentException or InvalidDataException or IOException or TimeoutException)
        {
            // The person's file or choices: the message names line and column; it goes to the page, not the log (it may quote a value).
            var message = ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
            store.Save(current with { State = WorkbenchState.Failed, Error = message, Stage = null });
            LogRefused(logger, work.Id, ex.GetType().Name);
        }
        catch (OperationCanceledException)
        {
            store.Save(current with { State = WorkbenchState.Failed, Error = "The server stopped during training; train again.", Stage = null });
        }
        catch (Exception ex)
        {
            store.Save(current with { State = WorkbenchState.Failed, Error = "Training failed unexpectedly; the error is in the server log.", Stage = null });
            LogFailed(logger, ex, work.Id);
        }
    }

    private WorkbenchWork Train(WorkbenchWork work, TrainChoices choices, Action<string> stage, CancellationToken ct)
    {
        var request = new WorkbenchTrainingRequest
        {
            DataPath = store.DataPath(work.Id),
            Csv = new CsvTrainingOptions
            {
                Target = choices.Target,
                Id = choices.Id,
                Positive = choices.Positive,
                Categorical = [.. choices.Columns.Where(c => c.Value == ColumnChoice.Categorical).Select(c => c.Key)],
                Numeric = [.. choices.Columns.Where(c => c.Value == ColumnChoice.Numeric).Select(c => c.Key)],
                Ignore = [.. choices.Columns.Where(c => c.Value == ColumnChoice.Ignore).Select(c => c.Key)],
            },
            Source = work.Source,
            Algorithm = choices.Algorithm,
            Seed = choices.Seed,
            Validation = choices.Validation,
            Folds = Folds,
            Budget = choices.Budget,
            SelectBy = SelectionMeasure.Parse(choices.SelectBy),
            TimeLimit = TimeSpan.FromSeconds(options.Value.TimeLimitSeconds),
            ValidationName = "the validation share",
        };
        var result = WorkbenchTraining.Run(request, new StageStatus(stage), time, ct);
        var path = store.ModelPath(work.Id);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            result.Model.Save(stream);
        }
        File.Move(temp, path, overwrite: true);
        return work with
        {
            State = WorkbenchState.Done,
            Stage = null,
            Error = null,
            Choices = choices,
            Calibration = result.Calibration,
            Rows = result.Rows,
            Positives = result.Positives,
        };
    }

    /// <summary>Shows the stage on the page: <c>search</c>, <c>fit</c>, <c>refit</c> (<c>read</c> is set when the work starts).</summary>
    private sealed class StageStatus(Action<string> show) : WorkbenchTrainingObserver
    {
        public override T RunStage<T>(WorkbenchStageStart stage, Func<IProgress<WorkbenchStageProgress>?, T> work)
        {
            ArgumentNullException.ThrowIfNull(stage);
            ArgumentNullException.ThrowIfNull(work);
            if (stage.Stage != WorkbenchStage.Read)
            {
                show(stage.Stage.ToString().ToLowerInvariant());
            }
            return work(null);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workbench job {Job} trained on {Rows} rows ({Positives} positive)")]
    private static partial void LogTrained(ILogger logger, string job, int rows, int positives);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workbench job {Job} refused its input ({Reason}); the message went to its owner")]
    private static partial void LogRefused(ILogger logger, string job, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workbench job {Job} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string job);
}
