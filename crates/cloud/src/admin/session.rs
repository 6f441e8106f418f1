//! Admin mode's calls on a signed-in session: search, one user's activity, bulk sign-out.

// The parent's imports and the siblings' items: one admin module, split by concern.
#[allow(unused_imports)]
use super::*;
use words::{Lang, Words};

impl CloudSession {
    /// What the signed-in account may do in admin mode: its Entra roles (read from
    /// `/me/transitiveMemberOf`), whether the directory can be searched, and what is
    /// missing. For a non-admin the answer says which role and permissions to ask for.
    /// The summary and what the requirements cover are worded in `lang`.
    pub async fn admin_access(&self, lang: Lang) -> Result<AdminAccess, CloudError> {
        let w = Words::of(lang);
        let account = self.account().await.ok_or(CloudError::NotSignedIn)?;
        let requirements = admin_requirements(lang);
        let all_permissions = || vec![PERM_REVOKE.into(), PERM_DIRECTORY.into(), PERM_AUDIT.into()];
        if account.kind == AccountKind::Personal {
            return Ok(AdminAccess {
                upn: account.upn,
                roles: Vec::new(),
                roles_known: false,
                can_search: false,
                can_revoke: false,
                can_read_sign_ins: false,
                missing_permissions: all_permissions(),
                requirements,
                summary: w.t("cloud.admin.access.personal", &[]),
            });
        }
        let (roles, probe) = self
            .with_token(|token| async move {
                let graph = self.graph(&token);
                let roles_path = "/me/transitiveMemberOf?$select=id,displayName,roleTemplateId";
                let probe_path = "/users?$select=id&$top=1";
                let (roles, probe) =
                    tokio::join!(graph.get_all(roles_path, 500), graph.get(probe_path));
                // A refused token retries the whole check; other failures are answers.
                for r in [roles.as_ref().err(), probe.as_ref().err()]
                    .into_iter()
                    .flatten()
                {
                    if matches!(r, CloudError::Graph { status: 401, .. }) {
                        return Err(r.clone());
                    }
                }
                Ok((roles, probe))
            })
            .await?;
        let (held, roles_known) = match roles {
            Ok((items, _)) => (
                items
                    .iter()
                    .filter(|v| {
                        v.get("@odata.type").and_then(Value::as_str)
                            == Some("#microsoft.graph.directoryRole")
                    })
                    .map(|v| {
                        (
                            s(v, "displayName").unwrap_or_default(),
                            s(v, "roleTemplateId"),
                        )
                    })
                    .collect::<Vec<_>>(),
                true,
            ),
            Err(e) if e.is_forbidden() => (Vec::new(), false),
            Err(e) => return Err(e),
        };
        let can_search = match probe {
            Ok(_) => true,
            Err(e) if e.is_forbidden() => false,
            Err(e) => return Err(e),
        };
        let holds = |list: &[AdminRole]| {
            held.iter().any(|(name, template)| {
                list.iter().any(|r| {
                    template.as_deref() == Some(r.template_id.as_str())
                        || r.name.eq_ignore_ascii_case(name)
                })
            })
        };
        let mut missing_permissions = if account.admin_scopes {
            Vec::new()
        } else {
            all_permissions()
        };
        if (!roles_known || !can_search) && !missing_permissions.iter().any(|p| p == PERM_DIRECTORY)
        {
            missing_permissions.push(PERM_DIRECTORY.into());
        }
        let can_revoke = account.admin_scopes && holds(&requirements.revoke_roles);
        let can_read_sign_ins = account.admin_scopes && holds(&requirements.sign_in_roles);
        let roles: Vec<String> = held.into_iter().map(|(n, _)| n).collect();
        let upn: &dyn std::fmt::Display = &account.upn;
        let summary = if can_revoke {
            let args: [words::Arg<'_>; 2] = [("upn", upn), ("roles", &roles.join(", "))];
            if can_read_sign_ins {
                w.t("cloud.admin.access.can_revoke_and_read", &args)
            } else {
                w.t("cloud.admin.access.can_revoke", &args)
            }
        } else if !account.admin_scopes {
            w.t("cloud.admin.access.no_admin_scopes", &[])
        } else if roles_known {
            if roles.is_empty() {
                w.t("cloud.admin.access.no_role", &[("upn", upn)])
            } else {
                w.t(
                    "cloud.admin.access.no_role_held",
                    &[("upn", upn), ("roles", &roles.join(", "))],
                )
            }
        } else {
            w.t("cloud.admin.access.roles_unknown", &[])
        };
        Ok(AdminAccess {
            upn: account.upn,
            roles,
            roles_known,
            can_search,
            can_revoke,
            can_read_sign_ins,
            missing_permissions,
            requirements,
            summary,
        })
    }

    /// Finds users whose name or address starts a word with `query` (Graph's `$search`
    /// with `ConsistencyLevel: eventual`, falling back to `startswith` filters where
    /// search is refused). An empty query lists the directory. Pages are followed up to
    /// [`USER_SEARCH_CAP`] users.
    pub async fn search_users(&self, query: &str) -> Result<UserSearch, CloudError> {
        crate::limits::check(Oversized::SearchText, query.trim(), QUERY_MAX)?;
        self.account().await.ok_or(CloudError::NotSignedIn)?;
        let q = clean_query(query);
        let (items, truncated) = self
            .with_token(|token| {
                let q = q.clone();
                async move { search(&self.graph(&token), &q).await }
            })
            .await
            .map_err(|e| refine(AdminAction::SearchDirectory, e))?;
        Ok(UserSearch {
            query: q,
            users: items.iter().filter_map(user_from).collect(),
            truncated,
        })
    }

    /// One user's profile, devices (registered and owned) and most recent sign-ins. The
    /// user must exist (404 otherwise); a refused profile read is
    /// [`CloudError::AdminRequired`]; refused devices or sign-ins become notes, worded in
    /// `lang`.
    pub async fn user_activity(&self, upn: &str, lang: Lang) -> Result<UserActivity, CloudError> {
        let w = Words::of(lang);
        self.account().await.ok_or(CloudError::NotSignedIn)?;
        let key = upn.trim().to_owned();
        if upn_problem(&key).is_some() && !is_object_id(&key) {
            return Err(CloudError::Graph {
                status: 400,
                code: "invalid_user".into(),
                message: w.t("cloud.admin.invalid_user", &[("user", &key)]),
            });
        }
        let user_path = format!("/users/{}", encode(&key));
        let filter = if is_object_id(&key) {
            format!("userId eq '{key}'")
        } else {
            format!("userPrincipalName eq '{}'", key.replace('\'', "''"))
        };
        let sign_ins_path = format!(
            "/auditLogs/signIns?$filter={}&$orderby={}&$top={ACTIVITY_SIGN_INS}",
            encode(&filter),
            encode("createdDateTime desc"),
        );
        let (user, registered, owned, sign_ins) = self
            .with_token(|token| {
                let (user_path, sign_ins_path) = (user_path.clone(), sign_ins_path.clone());
                async move {
                    let graph = self.graph(&token);
                    let registered_path = format!("{user_path}/registeredDevices");
                    let owned_path = format!("{user_path}/ownedDevices");
                    let profile_path = format!("{user_path}?$select={USER_SELECT}");
                    let (user, registered, owned, sign_ins) = tokio::join!(
                        graph.get(&profile_path),
                        graph.get_all(&registered_path, 1_000),
                        graph.get_all(&owned_path, 1_000),
                        graph.get_all(&sign_ins_path, ACTIVITY_SIGN_INS),
                    );
                    Ok((user?, registered, owned, sign_ins))
                }
            })
            .await
            .map_err(|e| refine(AdminAction::ReadOtherUsers, e))?;
        let user = user_from(&user).ok_or_else(|| CloudError::UnexpectedResponse {
            host: String::new(),
            status: 200,
            detail: "a user without id or userPrincipalName".into(),
        })?;
        let mut notes = Vec::new();
        let (registered, owned, _) = device_lists(registered, owned, &mut notes, lang);
        let (sign_ins, sign_ins_truncated) = match sign_ins {
            Ok((rows, cut)) => (rows.iter().map(sign_in_from).collect(), cut),
            Err(e) => {
                let what = w.t("cloud.note.what.sign_ins", &[]);
                let mut note = note_for(NoteTopic::SignIns, &what, &e, None, lang);
                if e.is_forbidden() {
                    note.message.push(' ');
                    note.message
                        .push_str(&w.t("cloud.note.sign_ins_need_role", &[]));
                }
                notes.push(note);
                (Vec::new(), false)
            }
        };
        Ok(UserActivity {
            user,
            devices: merge_devices(registered, owned),
            sign_ins,
            sign_ins_truncated,
            notes,
        })
    }

    /// Signs many users out everywhere: `POST /users/{upn}/revokeSignInSessions` through
    /// `$batch`, 20 per request, one batch after another. `progress` is called before the
    /// first batch and after each one.
    ///
    /// Each user gets a result, in the order given (duplicates and blanks removed):
    /// throttled sub-requests (429, or 503/504 with `Retry-After`) are sent again in
    /// place, waiting as asked within the [`RetryPolicy`] caps; other failures are
    /// reported with Graph's code and whether a retry may work. When a batch cannot be
    /// sent at all (network, an HTML page from a proxy), its users and those of the
    /// batches not yet sent fail as retryable. To "retry the failed ones", call this
    /// again with [`failed_upns`] and [`merge_results`] the answer.
    ///
    /// The signed-in admin's own UPN, if listed, goes last: revoking it ends this app's
    /// sign-in too (within minutes).
    ///
    /// Errors only when nothing was done: not signed in, a personal account, or Graph
    /// refusing every revoke of the first batch answered ([`CloudError::AdminRequired`]).
    ///
    /// Our own failure messages are worded in `lang` (Graph's, in brackets, as Microsoft
    /// wrote them).
    pub async fn revoke_many(
        &self,
        upns: &[String],
        lang: Lang,
        mut progress: impl FnMut(BatchProgress),
    ) -> Result<Vec<UserRevokeResult>, CloudError> {
        let w = Words::of(lang);
        let account = self.account().await.ok_or(CloudError::NotSignedIn)?;
        if account.kind == AccountKind::Personal {
            return Err(admin_required(AdminAction::SignOutOthers));
        }
        let retry: RetryPolicy = self.config().retry;
        let users = normalise(upns);
        let mut outcomes: Vec<Option<BulkRevokeOutcome>> = vec![None; users.len()];
        let mut order: Vec<usize> = Vec::with_capacity(users.len());
        for (i, u) in users.iter().enumerate() {
            match upn_problem(u) {
                Some(problem) if !is_object_id(u) => {
                    outcomes[i] = Some(failed(
                        "invalid_user",
                        w.t(
                            "cloud.bulk.invalid_user",
                            &[("user", u), ("problem", &problem.words(lang))],
                        ),
                        false,
                    ));
                }
                _ => order.push(i),
            }
        }
        // Our own sign-in dies with our own revoke: do it last.
        order.sort_by_key(|&i| users[i].eq_ignore_ascii_case(&account.upn));
        let chunks: Vec<Vec<usize>> = order.chunks(BATCH_LIMIT).map(<[usize]>::to_vec).collect();
        let total = users.len() as u32;
        let batches = chunks.len() as u32;
        let report = |outcomes: &[Option<BulkRevokeOutcome>], batch: u32| {
            let done = outcomes.iter().filter(|o| o.is_some()).count() as u32;
            let revoked = outcomes
                .iter()
                .filter(|o| matches!(o, Some(BulkRevokeOutcome::Revoked)))
                .count() as u32;
            BatchProgress {
                done,
                total,
                batch,
                batches,
                revoked,
                failed: done - revoked,
            }
        };
        progress(report(&outcomes, 0));
        let mut token = self.access_token(false).await?;
        let mut answered_any = false;
        let mut broken: Option<CloudError> = None;
        for (b, chunk) in chunks.iter().enumerate() {
            if let Some(e) = &broken {
                for &i in chunk {
                    outcomes[i] = Some(failed(
                        e.code().as_str(),
                        w.t("cloud.bulk.not_sent_after", &[("error", &e.message(lang))]),
                        true,
                    ));
                }
                progress(report(&outcomes, b as u32 + 1));
                continue;
            }
            let mut pending = chunk.clone();
            let mut round = 0u32;
            let mut refreshed = false;
            while !pending.is_empty() {
                let requests: Vec<Value> = pending
                    .iter()
                    .map(|&i| {
                        json!({
                            "id": (i + 1).to_string(),
                            "method": "POST",
                            "url": format!("/users/{}/revokeSignInSessions", encode(&users[i])),
                        })
                    })
                    .collect();
                let answer = self.graph(&token).batch(&requests).await;
                let responses = match answer {
                    Ok(r) => r,
                    Err(CloudError::Graph { status: 401, .. }) if !refreshed => {
                        // The access token expired during a long run: refresh, resend.
                        refreshed = true;
                        match self.access_token(true).await {
                            Ok(t) => {
                                token = t;
                                continue;
                            }
                            Err(e) => {
                                for &i in &pending {
                                    outcomes[i] =
                                        Some(failed(e.code().as_str(), e.message(lang), true));
                                }
                                broken = Some(e);
                                break;
                            }
                        }
                    }
                    Err(e) if e.is_forbidden() && !answered_any => {
                        return Err(admin_required(AdminAction::SignOutOthers));
                    }
                    Err(e) => {
                        log::warn!("a $batch of {} revokes failed: {}", pending.len(), e.code());
                        let retryable = path_broken(&e)
                            || matches!(&e, CloudError::Graph { status, .. } if retryable_status(*status));
                        for &i in &pending {
                            outcomes[i] =
                                Some(failed(e.code().as_str(), e.message(lang), retryable));
                        }
                        if path_broken(&e) {
                            broken = Some(e);
                        }
                        break;
                    }
                };
                let find = |i: usize| {
                    let id = (i + 1).to_string();
                    responses.iter().find(|r| r.id.eq_ignore_ascii_case(&id))
                };
                if !answered_any {
                    let all_denied = pending
                        .iter()
                        .all(|&i| find(i).is_some_and(|r| r.status == 403));
                    let revoked_any = outcomes
                        .iter()
                        .any(|o| matches!(o, Some(BulkRevokeOutcome::Revoked)));
                    if all_denied && !revoked_any {
                        log::info!("every revoke of the first batch was refused: not an admin");
                        return Err(admin_required(AdminAction::SignOutOthers));
                    }
                    answered_any = true;
                }
                let mut again = Vec::new();
                let mut wait = Duration::ZERO;
                for &i in &pending {
                    let Some(r) = find(i) else {
                        outcomes[i] = Some(failed(
                            "missing_response",
                            w.t("cloud.bulk.missing_response", &[]),
                            true,
                        ));
                        continue;
                    };
                    outcomes[i] = Some(judge(r, lang));
                    if comes_back(r) && round < retry.max_retries {
                        wait = wait.max(sub_retry_after(r).unwrap_or(Duration::ZERO));
                        again.push(i);
                    }
                }
                if again.is_empty() {
                    break;
                }
                let backoff = retry.base_delay.saturating_mul(2u32.saturating_pow(round));
                let pause = wait.max(backoff).min(retry.max_delay);
                log::info!(
                    "{} revokes throttled; sending them again in {pause:?}",
                    again.len()
                );
                tokio::time::sleep(pause).await;
                round += 1;
                pending = again;
            }
            progress(report(&outcomes, b as u32 + 1));
        }
        Ok(users
            .into_iter()
            .zip(outcomes)
            .map(|(upn, o)| UserRevokeResult {
                upn,
                outcome: o.unwrap_or_else(|| {
                    failed("not_attempted", w.t("cloud.bulk.not_sent", &[]), true)
                }),
            })
            .collect())
    }
}
