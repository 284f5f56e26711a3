"Cheap checks on the real embedded model (it is converted once into the cache; later loads take seconds)."
import time

import pytest
import torch

from mlsafety_nb.chat import encode_pair, format_prompt
from mlsafety_nb.generate import GenConfig, HFBackend, generate
from mlsafety_nb.models import embedded_path, fingerprint, load_model, model_fingerprint


@pytest.fixture(scope="module")
def embedded():
    embedded_path()                       # convert once if the cache is empty (about 90 s)
    t = time.time()
    model, tok = load_model("embedded")
    return model, tok, time.time() - t


def test_embedded_is_gemma3_270m_in_fp32(embedded):
    model, tok, _ = embedded
    assert model.config.model_type == "gemma3_text" and model.config.num_hidden_layers == 18
    assert model.dtype == torch.float32 and model.config.vocab_size == 262144
    assert 265e6 < sum(p.numel() for p in model.parameters()) < 271e6
    assert getattr(model, "hf_quantizer", None) is None and not getattr(model.config, "quantization_config", None)
    assert tok.chat_template is None or "start_of_turn" in tok.chat_template


def test_gemma_turn_tokens_are_single_tokens(embedded):
    _, tok, _ = embedded
    ids = tok(format_prompt(tok, "Hi"), add_special_tokens=False).input_ids
    assert ids[0] == tok.bos_token_id and ids.count(tok.convert_tokens_to_ids("<start_of_turn>")) == 2
    ex = encode_pair(tok, "Hi", "Hello")
    assert tok.decode([t for t in ex["labels"] if t != -100]) == "Hello<end_of_turn>\n"


def test_batched_greedy_equals_single_on_embedded(embedded):
    model, tok, _ = embedded
    prompts = ["What is 2+2?", "Habari ya leo?", "你好", "Ciao, come stai oggi?"]
    hf = HFBackend(model, tok)
    b4 = generate(hf, prompts, GenConfig(max_new_tokens=8, batch_size=4), cache=False, progress=False)
    b1 = generate(hf, prompts, GenConfig(max_new_tokens=8, batch_size=1), cache=False, progress=False)
    assert b4 == b1


def test_fingerprint_tells_weights_apart(embedded):
    "A reload has the same fingerprint (and the folder's cached one agrees); one changed weight gives another."
    model, _, _ = embedded
    fp = fingerprint(model)
    assert fingerprint(load_model("embedded")[0]) == fp == model_fingerprint(embedded_path())
    w = model.model.norm.weight
    old = w.detach().clone()
    with torch.no_grad(): w[0] += 1e-3
    try: assert fingerprint(model) != fp
    finally:
        with torch.no_grad(): w.copy_(old)
    assert fingerprint(model) == fp


def test_scoring_a_chat_prompt_adds_no_second_bos(embedded):
    "A formatted chat prompt starts with <bos>: token_nll (and so mc_accuracy) must score it with one BOS, not two."
    from mlsafety_nb.evaluate import token_nll
    model, tok, _ = embedded
    text = format_prompt(tok, "2+2=") + "4"
    ids = tok(text, add_special_tokens=False).input_ids
    assert ids[0] == tok.bos_token_id and ids[1] != tok.bos_token_id
    nll, n = token_nll(model, tok, [text])[0]
    assert n == len(ids) - 1                                   # one BOS: every other token predicted once
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids])).logits[0, :-1]
    ref = torch.nn.functional.cross_entropy(logits, torch.tensor(ids[1:]), reduction="sum").item()
    assert abs(nll - ref) < 1e-3 * max(1.0, abs(ref))
