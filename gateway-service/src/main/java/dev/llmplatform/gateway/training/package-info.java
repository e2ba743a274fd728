/**
 * Training jobs over HTTP, in the OpenAI style (snake_case JSON, OpenAI error bodies).
 *
 * <pre>
 * POST   /v1/training/jobs              202 {"id":"job-…","object":"training.job","status":"queued",…}
 * GET    /v1/training/jobs              {"object":"list","data":[job…],"has_more":false}, newest first
 * GET    /v1/training/jobs/{id}         the job (404 job_not_found)
 * GET    /v1/training/jobs/{id}/events  SSE: data: {"object":"training.job.event",…} for the history so far,
 *                                       then live events; data: [DONE] after succeeded/failed/cancelled;
 *                                       a ":keep-alive" comment every 15 s while the job is quiet
 * DELETE /v1/training/jobs/{id}         202 with the job; publishes a CancelJob (409 job_finished once ended)
 * </pre>
 *
 * <p>Request body: {@code model} (name to publish), {@code dataset} ({@code {"type":"synthetic","seed","documents"}},
 * {@code "synthetic-tools"} (the same stories with tool-use chats between them) or
 * {@code {"type":"files","path":"relative/path"}}), {@code tokenizer} ({@code {"vocab_size":260..32000}} or
 * {@code {"reuse_model":"name"}}), {@code architecture} ({@code layers} 1–12, {@code hidden} 16–1024, {@code heads}
 * dividing hidden into even head sizes, {@code kv_heads} dividing heads (default heads), {@code context} 8–1024,
 * optional {@code intermediate}), {@code steps} 1–100000, {@code batch_size} 1–256, {@code learning_rate} (0, 1],
 * optional {@code seed} (0), {@code checkpoint_every} and {@code eval_every} (1..steps; left out, the
 * training-service decides). Job fields: {@code status, step, total_steps, loss, eval_loss, tokens_per_second,
 * learning_rate, model, model_version, message, created, updated} (seconds), null while unknown.
 *
 * <p>Flow: the gateway publishes {@code TrainingJob.Submit}/{@code CancelJob} on the jobs topic keyed by job id
 * and records its own submissions at once; every instance reads the jobs and events topics from the start
 * (a group of its own) into {@link dev.llmplatform.gateway.training.TrainingJobs}, so any instance answers for
 * any job.
 */
package dev.llmplatform.gateway.training;
