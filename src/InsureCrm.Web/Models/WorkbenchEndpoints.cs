using System.Globalization;
using System.Text;
using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using InsureCrm.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InsureCrm.Web.Models;

/// <summary>
/// The model workbench's form posts and files (the pages are <c>/models/workbench…</c> components) and the
/// registry's approval. The workbench reads and writes the analyst's own files only, never CRM data; it is an
/// analyst's tool, so it asks for <c>models:manage</c>. Approval asks for <c>models:approve</c>, and the registry
/// refuses the version's own trainer (four eyes).
/// </summary>
internal static class WorkbenchEndpoints
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var workbench = app.MapGroup("/models/workbench").ExcludeFromDescription().RequireAuthorization(Capability.ModelsManage);
        // Multipart posts read by MultipartUpload, which checks the antiforgery token itself before any file is written.
        workbench.MapPost("/upload", UploadAsync).WithMetadata(new ChecksAntiforgeryItselfAttribute());
        workbench.MapPost("/scores", ScoreAsync).WithMetadata(new ChecksAntiforgeryItselfAttribute());
        workbench.MapPost("/{id}/train", Train);
        workbench.MapGet("/{id}/status", Status);
        workbench.MapGet("/{id}/model-file", TrainedModel);

        app.MapPost("/models/{name}/{version:int}/approve", ApproveAsync).ExcludeFromDescription().RequireAuthorization(Capability.ModelsApprove);
        return app;
    }

    private static async Task<IResult> UploadAsync(HttpContext http, WorkbenchStore store, CancellationToken ct)
    {
        var user = HttpCurrentUser.Required(http);
        var work = store.Create(user.UserName, "");
        Upload upload;
        try
        {
            upload = await MultipartUpload.ReadAsync(http, new Dictionary<string, (string, long)> { ["data"] = (store.DataPath(work.Id), store.Options.MaxUploadBytes) }, ct);
        }
        catch (AntiforgeryValidationException)
        {
            store.Delete(work.Id);
            return AntiforgeryProblem();
        }
        if (upload.Error != UploadError.None)
        {
            store.Delete(work.Id);
            return TypedResults.LocalRedirect("/models/workbench?error=" + ErrorName(upload.Error));
        }
        work = work with { Source = upload.FileNames["data"] };
        try
        {
            var inspection = await Task.Run(() => CsvInspector.Inspect(store.DataPath(work.Id)), ct);
            store.Save(work with { State = WorkbenchState.Uploaded, Inspection = inspection });
        }
        catch (CsvDataException ex)
        {
            store.DeleteData(work.Id);
            store.Save(work with { State = WorkbenchState.Failed, Error = ex.Message });
        }
        return TypedResults.LocalRedirect($"/models/workbench/{work.Id}");
    }

    private static IResult Train(string id, IFormCollection form, HttpContext http, WorkbenchStore store, WorkbenchTrainer trainer)
    {
        var work = store.Find(id, HttpCurrentUser.Required(http).UserName);
        if (work?.Inspection is not { } inspection || !File.Exists(store.DataPath(id)))
        {
            return TypedResults.NotFound();
        }
        if (work.State is WorkbenchState.Queued or WorkbenchState.Training)
        {
            return TypedResults.LocalRedirect($"/models/workbench/{id}");
        }
        var (choices, errorKey) = ParseChoices(form, inspection, store.Options);
        if (choices is null)
        {
            store.Save(work with { State = WorkbenchState.Uploaded, Error = null, ErrorKey = errorKey });
            return TypedResults.LocalRedirect($"/models/workbench/{id}");
        }
        trainer.Start(work with { ErrorKey = null }, choices);
        return TypedResults.LocalRedirect($"/models/workbench/{id}");
    }

    /// <summary>The htmx poll of a training: the progress line while it runs, then a full reload of the page with the result.</summary>
    private static IResult Status(string id, HttpContext http, WorkbenchStore store)
    {
        var work = store.Find(id, HttpCurrentUser.Required(http).UserName);
        if (work is null)
        {
            return TypedResults.NotFound();
        }
        if (work.State is not (WorkbenchState.Queued or WorkbenchState.Training))
        {
            http.Response.Headers["HX-Redirect"] = $"/models/workbench/{id}";
        }
        return new RazorComponentResult<WorkbenchProgress>(new { Work = work });
    }

    private static IResult TrainedModel(string id, HttpContext http, WorkbenchStore store)
    {
        var work = store.Find(id, HttpCurrentUser.Required(http).UserName);
        var path = store.ModelPath(id);
        if (work is not { State: WorkbenchState.Done } || !File.Exists(path))
        {
            return TypedResults.NotFound();
        }
        var name = Path.GetFileNameWithoutExtension(work.Source);
        return TypedResults.PhysicalFile(path, "application/json", (name.Length > 0 ? name : "workbench") + ".model.json");
    }

    /// <summary>Scores an uploaded data file with an uploaded model file and answers SCORES.csv; a refusal is shown on the score page.</summary>
    private static async Task<IResult> ScoreAsync(HttpContext http, WorkbenchStore store, CancellationToken ct)
    {
        var user = HttpCurrentUser.Required(http);
        var work = store.Create(user.UserName, "");
        var (modelPath, dataPath) = (store.ModelPath(work.Id), store.DataPath(work.Id));
        Upload upload;
        try
        {
            upload = await MultipartUpload.ReadAsync(http, new Dictionary<string, (string, long)>
            {
                ["model"] = (modelPath, store.Options.MaxModelBytes),
                ["data"] = (dataPath, store.Options.MaxUploadBytes),
            }, ct);
        }
        catch (AntiforgeryValidationException)
        {
            store.Delete(work.Id);
            return AntiforgeryProblem();
        }
        if (upload.Error != UploadError.None)
        {
            store.Delete(work.Id);
            return TypedResults.LocalRedirect("/models/workbench/score?error=" + ErrorName(upload.Error));
        }
        work = work with { Source = upload.FileNames["data"] };
        try
        {
            var scores = Path.Combine(Path.GetDirectoryName(dataPath)!, "scores.csv");
            await Task.Run(() => WriteScores(modelPath, dataPath, scores), ct);
            store.DeleteData(work.Id);
            // Deleted when the response is done: the work directory then holds nothing but its (swept) work file.
            http.Response.RegisterForDispose(new Cleanup(() => store.Delete(work.Id)));
            return TypedResults.PhysicalFile(scores, "text/csv; charset=utf-8", "SCORES.csv");
        }
        catch (Exception ex) when (ex is CsvDataException or InvalidDataException)
        {
            File.Delete(dataPath);
            File.Delete(modelPath);
            store.Save(work with { State = WorkbenchState.Failed, Error = (ex is InvalidDataException ? "model file: " : "") + ex.Message });
            return TypedResults.LocalRedirect($"/models/workbench/score?work={work.Id}");
        }
    }

    /// <summary>One row per input row, in input order: the id column (or <c>row</c>, the 1-based data row) and the probability, as <c>model score</c> writes it.</summary>
    private static void WriteScores(string modelPath, string dataPath, string outPath)
    {
        WorkbenchModel model;
        using (var stream = File.OpenRead(modelPath))
        {
            model = WorkbenchModel.Load(stream);
        }
        var csv = CsvTableReader.Apply(dataPath, model.Info.Schema);
        var scores = model.Model.PredictAll(csv.Table);
        using var writer = new StreamWriter(outPath, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\r\n" };
        writer.WriteLine(Quote(model.Info.Schema.Id ?? "row") + ",score");
        var ids = csv.Ids;
        for (var r = 0; r < scores.Length; r++)
        {
            writer.Write(ids is null ? (r + 1).ToString(Inv) : Quote(ids[r]));
            writer.Write(',');
            writer.WriteLine(scores[r].ToString("R", Inv));
        }
    }

    private static async Task<RedirectHttpResult> ApproveAsync(string name, int version, ModelRegistry registry, HttpContext http, CancellationToken ct)
    {
        var result = await registry.ApproveAsync(name, version, HttpCurrentUser.Required(http), ct);
        var model = $"&model={Uri.EscapeDataString(name)}&version={version.ToString(Inv)}";
        return TypedResults.LocalRedirect(result.Outcome == ApprovalOutcome.Approved ? "/models?approved=1" + model : $"/models?refused={result.Outcome}" + model);
    }

    private static (TrainChoices? Choices, string? ErrorKey) ParseChoices(IFormCollection form, CsvInspection inspection, WorkbenchOptions options)
    {
        string? Column(string field) => int.TryParse(form[field], NumberStyles.None, Inv, out var i) && i >= 0 && i < inspection.Columns.Count
            && inspection.Columns[i].Name.Length > 0 ? inspection.Columns[i].Name : null;
        if (Column("target") is not { } target)
        {
            return (null, "workbench.error.target");
        }
        var id = (string?)form["id"] is { Length: > 0 } ? Column("id") : null;
        if (id == target)
        {
            return (null, "workbench.error.idIsTarget");
        }
        var algorithm = (string?)form["algorithm"] ?? WorkbenchTrainer.Auto;
        if (algorithm != WorkbenchTrainer.Auto && !Learners.IsAvailable(algorithm))
        {
            return (null, "workbench.error.algorithm");
        }
        if (!double.TryParse(form["validation"], NumberStyles.Float, Inv, out var validation) || !(validation >= 0 && validation <= 0.5))
        {
            return (null, "workbench.error.validation");
        }
        if (!double.TryParse(form["budget"], NumberStyles.Float, Inv, out var budget) || !(budget >= 1 && budget <= options.MaxBudget))
        {
            return (null, "workbench.error.budget");
        }
        var selectBy = (string?)form["selectBy"] ?? SelectionMeasure.Auc.Name;
        if (selectBy == "hits")
        {
            selectBy += "@" + ((string?)form["contacts"])?.Trim();
        }
        try
        {
            selectBy = SelectionMeasure.Parse(selectBy).Name;
        }
        catch (ArgumentException)
        {
            return (null, "workbench.error.selectBy");
        }
        if (!int.TryParse(form["seed"], NumberStyles.Integer, Inv, out var seed))
        {
            return (null, "workbench.error.seed");
        }
        var columns = new Dictionary<string, ColumnChoice>(StringComparer.Ordinal);
        for (var i = 0; i < inspection.Columns.Count; i++)
        {
            var name = inspection.Columns[i].Name;
            if (name.Length > 0 && name != target && name != id
                && Enum.TryParse<ColumnChoice>(form[$"kind{i.ToString(Inv)}"], ignoreCase: true, out var choice) && Enum.IsDefined(choice) && choice != ColumnChoice.Auto)
            {
                columns[name] = choice;
            }
        }
        var positive = ((string?)form["positive"])?.Trim();
        return (new TrainChoices(target, id, positive is { Length: > 0 } ? positive : null, algorithm, budget, seed, validation, columns, selectBy), null);
    }

    private static string ErrorName(UploadError error) => error.ToString();

    private static ProblemHttpResult AntiforgeryProblem() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: AntiforgeryEnforcementMiddleware.RefusedTitle);

    /// <summary>An id cell of a score file (scores themselves are plain numbers and round-trip as written).</summary>
    private static string Quote(string value) => CsvCell.Field(value);

    private sealed class Cleanup(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
