//! Many reads of one kind answered by its list endpoint, when that is
//! cheaper.
//!
//! Terraform reads every resource on its own (`ReadResource`), so an estate
//! of 400 accounts costs 400 `GET /accounts/{id}`: past Cloudflare's budget
//! of 1,200 requests per 5 minutes after three plans. `GET /accounts`
//! answers 50 at a time. Whether the list is cheaper depends on how many of
//! its objects this run reads, which nobody knows in advance, so the choice
//! is made like renting skis until they would have been paid for:
//!
//! - the first read of a collection is a single GET;
//! - the second fetches the list's first page, whose `result_info` tells how
//!   many pages it has (a one-page list is then complete);
//! - reads go on as single GETs until they number as many as the list has
//!   pages; then the rest of the list is fetched, and every later read is
//!   answered from it.
//!
//! So a run never pays more than about twice the cheaper of the two ways,
//! whatever the estate's shape. What a list gives is exactly what the single
//! GET gives (the same objects; tested), fetched during this run (the
//! provider process lives for one Terraform operation), and forgotten on any
//! write. An object missing from a complete list is confirmed with a single
//! GET (a page that shifted while it was read must not make an object look
//! deleted); only its 404 reads as gone.

use super::{ApiError, Client, ErrorKind};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tokio::sync::Mutex;

/// A list endpoint that answers single reads.
pub struct Collection {
    /// E.g. `/accounts`, `/accounts/{id}/members`.
    pub path: String,
    /// Objects per page (the endpoint's maximum); `None` for a list that is
    /// one page.
    pub per_page: Option<u32>,
    /// The field that names an object (`id`, unless said otherwise).
    pub key: &'static str,
}

impl Collection {
    pub fn paged(path: impl Into<String>, per_page: u32) -> Collection {
        Collection {
            path: path.into(),
            per_page: Some(per_page),
            key: "id",
        }
    }

    pub fn single_page(path: impl Into<String>) -> Collection {
        Collection {
            path: path.into(),
            per_page: None,
            key: "id",
        }
    }

    pub fn keyed_by(self, key: &'static str) -> Collection {
        Collection { key, ..self }
    }
}

/// What this run knows of one collection.
#[derive(Default)]
struct Known {
    /// Single GETs made so far.
    singles: u64,
    /// From the first page's `result_info`.
    total_pages: Option<u64>,
    pages: BTreeSet<u64>,
    /// Objects by id, from the pages fetched, as compact JSON: a fifth of
    /// the memory of a parsed `Value`, and parsed again only when read.
    objects: HashMap<String, Box<str>>,
    complete: bool,
    /// The list failed (e.g. the credentials may not list): singles only.
    unusable: bool,
}

/// The collections of this run; forgotten on every write.
#[derive(Default)]
pub struct Coalescer {
    enabled: bool,
    collections: std::sync::Mutex<HashMap<String, Arc<Mutex<Known>>>>,
}

/// Where a read is answered from.
enum Answer {
    Found(Box<str>),
    /// Not in the complete list: confirm with a single GET.
    Missing,
    Single,
}

impl Coalescer {
    pub fn new(enabled: bool) -> Coalescer {
        Coalescer {
            enabled,
            ..Coalescer::default()
        }
    }

    /// Forgets every list: called around every write, so that nothing
    /// read afterwards predates it.
    pub fn forget(&self) {
        self.collections
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    fn known(&self, path: &str) -> Arc<Mutex<Known>> {
        self.collections
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(path.to_string())
            .or_default()
            .clone()
    }
}

impl Client {
    /// One object by id, as `GET single` would give it (`None` when the API
    /// says it does not exist), answered from `collection` once that is
    /// cheaper (see the module documentation). `single: None` is an object
    /// only its list shows: the list is always read, once per run.
    pub async fn read_one<T: DeserializeOwned>(
        &self,
        single: Option<&str>,
        id: &str,
        collection: Collection,
    ) -> Result<Option<T>, ApiError> {
        let decode = |json: Box<str>| {
            let request = format!("GET {}", single.unwrap_or(&collection.path));
            serde_json::from_str(&json).map(Some).map_err(|e| {
                ApiError::new(
                    request,
                    ErrorKind::Decode,
                    format!("unexpected response shape: {e}"),
                )
            })
        };
        let Some(single) = single else {
            return match self.answer_through_list(&collection, id, true).await? {
                Answer::Found(v) => decode(v),
                Answer::Missing | Answer::Single => Ok(None),
            };
        };
        if !self.coalescer.enabled {
            return self.get_if_exists(single).await;
        }
        match self.answer_through_list(&collection, id, false).await? {
            Answer::Found(v) => decode(v),
            Answer::Missing | Answer::Single => self.get_if_exists(single).await,
        }
    }

    async fn answer_through_list(
        &self,
        collection: &Collection,
        id: &str,
        always: bool,
    ) -> Result<Answer, ApiError> {
        let known = self.coalescer.known(&collection.path);
        let mut known = known.lock().await;
        if let Some(v) = known.objects.get(id) {
            return Ok(Answer::Found(v.clone()));
        }
        if known.complete {
            return Ok(Answer::Missing);
        }
        let fetched = if known.unusable {
            false
        } else if always || known.singles >= 1 {
            let pages = match (collection.per_page, known.total_pages) {
                (None, _) => Some(vec![1]),
                (Some(_), None) => Some(vec![1]),
                (Some(_), Some(total)) if known.singles + known.pages.len() as u64 >= total => {
                    Some((1..=total).filter(|p| !known.pages.contains(p)).collect())
                }
                _ => None,
            };
            match pages {
                Some(pages) => match self.fetch_pages(collection, &pages, &mut known).await {
                    Ok(()) => true,
                    // The list itself is gone (its account, say): so is
                    // every object only it shows.
                    Err(e) if always && e.is_not_found() => {
                        known.complete = true;
                        true
                    }
                    Err(e) if always => return Err(e),
                    Err(e) => {
                        tracing::info!(list = %collection.path, error = %e, "cannot read through the list; reading one by one");
                        known.unusable = true;
                        false
                    }
                },
                None => false,
            }
        } else {
            false
        };
        if fetched {
            if let Some(v) = known.objects.get(id) {
                return Ok(Answer::Found(v.clone()));
            }
            if known.complete {
                return Ok(Answer::Missing);
            }
        }
        known.singles += 1;
        Ok(Answer::Single)
    }

    /// Fetches `pages` at once (the first alone, when it must tell how many
    /// there are) and keeps their objects.
    async fn fetch_pages(
        &self,
        collection: &Collection,
        pages: &[u64],
        known: &mut Known,
    ) -> Result<(), ApiError> {
        let fetch = |page: u64| async move {
            let query: Vec<(&str, String)> = match collection.per_page {
                Some(per_page) => vec![
                    ("page", page.to_string()),
                    ("per_page", per_page.to_string()),
                ],
                None => Vec::new(),
            };
            // Each page is made compact as soon as it arrives, so that the
            // pages fetched at once are never all held parsed.
            self.call::<(), Vec<Value>>(Method::GET, &collection.path, &query, None, None)
                .await
                .map(|got| {
                    let objects: Vec<(String, Box<str>)> = got
                        .result
                        .into_iter()
                        .filter_map(|object| {
                            let id = object.get(collection.key)?.as_str()?.to_string();
                            Some((id, object.to_string().into_boxed_str()))
                        })
                        .collect();
                    (page, got.info, objects)
                })
        };
        let got = futures::future::try_join_all(pages.iter().map(|&page| fetch(page))).await?;
        for (page, info, objects) in got {
            let total = match (collection.per_page, &info) {
                (Some(_), Some(info)) => info.total_pages.unwrap_or(1).max(1),
                _ => 1,
            };
            known.total_pages = Some(total);
            known.pages.insert(page);
            known.objects.extend(objects);
            known.complete = (1..=total).all(|p| known.pages.contains(&p));
        }
        tracing::debug!(list = %collection.path, pages = ?pages, objects = known.objects.len(), complete = known.complete, "read through the list");
        Ok(())
    }
}
